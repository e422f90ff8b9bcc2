package web

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// The scoring grid: one row per competence of the candidacy's CCPs, one
// column per épreuve the title holds in this type of session, a verdict in
// each cell, and one observation per competence. It is the juror's
// Evaluation (assessment.proto) laid out for people:
//
//   - a cell with a verdict is an item (competence, épreuve, verdict);
//   - the observation of a competence is written on each of its items; a
//     competence with an observation and no verdict yet keeps it on an item
//     without verdict at the first épreuve (the API's "note kept without a
//     verdict");
//   - read back, a competence's observation is the distinct observations
//     of its items, joined, so that nothing written through the API is
//     hidden (saving the grid then writes that text on each item).
//
// The evaluation is complete when every competence has a verdict at one
// épreuve at least (R49): the service says so, the page repeats it.

// juryMaxObservation is the API's bound on an observation, in characters.
const juryMaxObservation = 4000

// juryGrid is the grid of one juror for one candidacy.
type juryGrid struct {
	Epreuves []juryEpreuve
	Groups   []juryGridCCP
	Etag     string
	Complete bool
	Missing  []string // competence codes without a verdict
	Saved    string   // when it was last saved, in French; "" if never
	Summary  string   // what the grid still lacks, in French
	Columns  int      // competence, épreuves, observation
	Choices  []juryChoice
}

// juryChoice is a verdict of the grid's lists.
type juryChoice struct{ Value, Label string }

// juryEpreuve is a column of the grid. Kind is UNSPECIFIED for the single
// column of a title that lists no épreuve for the session type.
type juryEpreuve struct {
	Kind  certificationv1.EpreuveKind
	Name  string // the kind without its prefix, in field names
	Label string
}

type juryGridCCP struct {
	Code, Label string
	Rows        []juryGridRow
}

type juryGridRow struct {
	Code, Label   string
	Cells         []juryGridCell
	Observation   string
	ObservationID string
	ObservationFN string // the observation's field name
	ObservationEr string // its error, if any
}

type juryGridCell struct {
	ID, Name, Label, Value, Error string
}

// juryGridFor builds the empty grid of a candidacy: its CCPs'
// competences, in the title's order, by the session type's épreuves.
func juryGridFor(jc *juryCase) *juryGrid {
	g := &juryGrid{Choices: juryVerdictChoices}
	st := certificationv1.SessionType_SESSION_TYPE_TITRE
	if jc.session.GetType() == assessmentv1.SessionType_SESSION_TYPE_CCP {
		st = certificationv1.SessionType_SESSION_TYPE_CCP
	}
	for _, e := range jc.title.GetEpreuves() {
		if !slices.Contains(e.GetSessionTypes(), st) || slices.ContainsFunc(g.Epreuves, func(x juryEpreuve) bool { return x.Kind == e.GetKind() }) {
			continue
		}
		label := e.GetLabel()
		if label == "" {
			label = juryEpreuveLabels[e.GetKind()]
		}
		g.Epreuves = append(g.Epreuves, juryEpreuve{Kind: e.GetKind(), Name: strings.TrimPrefix(e.GetKind().String(), "EPREUVE_KIND_"), Label: label})
	}
	if len(g.Epreuves) == 0 {
		g.Epreuves = []juryEpreuve{{Name: "VERDICT", Label: "Verdict"}}
	}
	g.Columns = len(g.Epreuves) + 2
	for _, c := range jc.title.GetCcps() {
		if !slices.Contains(jc.candidacy.GetCcpCodes(), c.GetCode()) {
			continue
		}
		grp := juryGridCCP{Code: c.GetCode(), Label: c.GetLabel()}
		for _, comp := range c.GetCompetences() {
			row := juryGridRow{Code: comp.GetCode(), Label: comp.GetLabel(),
				ObservationID: "observation-" + juryFieldID(comp.GetCode()), ObservationFN: "observation:" + comp.GetCode()}
			for _, e := range g.Epreuves {
				row.Cells = append(row.Cells, juryGridCell{
					ID:    "verdict-" + juryFieldID(comp.GetCode()) + "-" + juryFieldID(e.Name),
					Name:  "verdict:" + comp.GetCode() + ":" + e.Name,
					Label: "Verdict pour la compétence " + comp.GetCode() + " (" + comp.GetLabel() + "), épreuve : " + e.Label,
				})
			}
			grp.Rows = append(grp.Rows, row)
		}
		g.Groups = append(g.Groups, grp)
	}
	return g
}

// fill puts an evaluation's items, etag and completeness into the grid.
func (g *juryGrid) fill(ev *assessmentv1.Evaluation) {
	g.Etag, g.Complete, g.Missing = ev.GetEtag(), ev.GetComplete(), ev.GetMissingCompetences()
	if ev.GetUpdateTime() != nil {
		g.Saved = DateTimeFR(ev.GetUpdateTime().AsTime())
	}
	g.Summary = juryCompleteness(ev.GetComplete(), ev.GetMissingCompetences())
	if len(ev.GetItems()) == 0 {
		g.Summary = "Aucun verdict pour l’instant."
	}
	for gi := range g.Groups {
		for ri := range g.Groups[gi].Rows {
			row := &g.Groups[gi].Rows[ri]
			var notes []string
			for _, it := range ev.GetItems() {
				if it.GetCompetenceCode() != row.Code {
					continue
				}
				if o := strings.TrimSpace(it.GetObservation()); o != "" && !slices.Contains(notes, o) {
					notes = append(notes, o)
				}
				for ci, e := range g.Epreuves {
					if it.GetEpreuve() == e.Kind {
						row.Cells[ci].Value = juryVerdictValue(it.GetVerdict())
					}
				}
			}
			row.Observation = strings.Join(notes, "\n\n")
		}
	}
}

// juryGridInput is a grid sent by the form: the items to save, the field
// of each item (to put a refusal next to it), and the form's errors.
type juryGridInput struct {
	etag   string
	items  []*assessmentv1.EvaluationItem
	fields []juryItemFields
	errors []Field
}

type juryItemFields struct{ cell, observation string }

// read takes the grid's values from form into g (so that a refused form
// shows what was sent) and returns the items to save.
func (g *juryGrid) read(form url.Values) juryGridInput {
	in := juryGridInput{etag: form.Get("etag")}
	g.Etag = in.etag
	for gi := range g.Groups {
		for ri := range g.Groups[gi].Rows {
			row := &g.Groups[gi].Rows[ri]
			row.Observation = strings.TrimSpace(strings.ReplaceAll(form.Get(row.ObservationFN), "\r\n", "\n"))
			if n := utf8.RuneCountInString(row.Observation); n > juryMaxObservation {
				row.ObservationEr = fmt.Sprintf("L’observation sur %s compte %s caractères : %s au plus.", row.Code, IntFR(int64(n)), IntFR(juryMaxObservation))
				in.errors = append(in.errors, Field{ID: row.ObservationID, Message: row.ObservationEr})
			}
			scored := false
			for ci, e := range g.Epreuves {
				cell := &row.Cells[ci]
				cell.Value = form.Get(cell.Name)
				v, ok := juryParseVerdict(cell.Value)
				if !ok {
					cell.Error = "Choisissez un verdict de la liste pour " + row.Code + ", épreuve : " + e.Label + "."
					in.errors = append(in.errors, Field{ID: cell.ID, Message: cell.Error})
					continue
				}
				if v == assessmentv1.Verdict_VERDICT_UNSPECIFIED {
					continue
				}
				scored = true
				in.items = append(in.items, &assessmentv1.EvaluationItem{CompetenceCode: row.Code, Epreuve: e.Kind, Verdict: v, Observation: row.Observation})
				in.fields = append(in.fields, juryItemFields{cell: cell.ID, observation: row.ObservationID})
			}
			if !scored && row.Observation != "" {
				in.items = append(in.items, &assessmentv1.EvaluationItem{CompetenceCode: row.Code, Epreuve: g.Epreuves[0].Kind, Observation: row.Observation})
				in.fields = append(in.fields, juryItemFields{cell: row.Cells[0].ID, observation: row.ObservationID})
			}
		}
	}
	return in
}

// juryItemField matches the field of a violation of UpdateEvaluation.
var juryItemField = regexp.MustCompile(`^evaluation\.items\[(\d+)\](?:\.(\w+))?$`)

// refused turns the field violations of a refused save into errors of the
// grid's fields.
func (g *juryGrid) refused(in juryGridInput, fields map[string]string) []Field {
	var out []Field
	for f := range fields {
		m := juryItemField.FindStringSubmatch(f)
		id := "grille"
		if m != nil {
			if i, err := strconv.Atoi(m[1]); err == nil && i < len(in.fields) {
				id = in.fields[i].cell
				if m[2] == "observation" {
					id = in.fields[i].observation
				}
			}
		}
		out = append(out, Field{ID: id, Message: "Le service d’évaluation refuse cette valeur : vérifiez-la, puis enregistrez à nouveau."})
	}
	return out
}

// juryClock formats t as "14:05" in Paris.
func juryClock(t time.Time) string {
	t = t.In(paris)
	return twoDigits(t.Hour()) + ":" + twoDigits(t.Minute())
}

// juryFieldID makes a code usable in an HTML id: letters, digits and
// hyphens only.
func juryFieldID(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, s)
}
