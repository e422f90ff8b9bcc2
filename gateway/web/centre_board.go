package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

// The board of a session under way (GET /centre/sessions/{id}/suivi): for
// each candidacy, its dossier (R34), where each juror's evaluation stands
// and what still blocks the jury's deliberation, or the jury's decision;
// what stands between the session and its signed minutes; once
// deliberated, who has signed the minutes (R50).
//
// The jurors' progress comes from the assessment service's
// GetSessionProgress: states and counts of competences with a verdict,
// never a verdict or an observation (the centre does not read the
// evaluations), and the blockers the deliberation would refuse with, so
// the board and the jury's deliberation page cannot disagree. It is
// refreshed by a link or, when the person switches it on, every 30
// seconds by static/js/centre-board.js.

// centreBoardRefresh is the period of the optional automatic refresh, in seconds.
const centreBoardRefresh = 30

// centreBoardData is the board's data.
type centreBoardData struct {
	Session     centreSession
	Nav         centreNav
	Now         time.Time
	Refresh     int
	Rows        []centreBoardRow
	Total       int
	Dossiers    int // candidacies with their dossier
	Deliberated int
	Missing     int // candidacies blocked by their missing dossier (R34)
	TooSmall    int // candidacies with fewer than two jurors free of links (R19)
	Scoring     int // candidacies waiting for jurors' evaluations (R49)
	Unfinished  int // evaluations still incomplete on those candidacies
	Ready       int // candidacies nothing blocks: the jury may deliberate (R48)
	Recusals    bool
	Jurors      []centreBoardJuror
	Minutes     bool // the minutes exist (session deliberated or closed)
	Signed      int
}

// centreBoardRow is one candidacy on the board.
type centreBoardRow struct {
	centreCandidacy
	Status    string // "delibere", "a-deliberer", "bloque"
	Decisions []string
	Cells     []centreBoardCell    // one per juror of the jury, in its order
	Blockers  []centreBoardBlocker // what blocks the deliberation, in French
}

// centreBoardCell is one juror's progress on one candidacy.
type centreBoardCell struct {
	Subject  string
	State    string // the API's state without its prefix, for tests and styles
	Label    string // in French
	Badge    string // DSFR badge variant; the label carries the meaning
	Done, Of int32  // competences with a verdict, of the candidacy's scope (R49)
	Counted  bool   // show Done/Of
}

// centreBoardBlocker is one reason the jury may not deliberate yet.
type centreBoardBlocker struct {
	Reason string // the API's reason code
	Text   string // in French, with its rule
}

// centreBoardJuror is a juror and their signature of the minutes.
type centreBoardJuror struct {
	Subject, Name string
	Signed        bool
	SignedAt      time.Time
}

// centreBoard (GET /centre/sessions/{id}/suivi) shows the board.
func (a *App) centreBoard(w http.ResponseWriter, r *http.Request) {
	id, ok := centreSessionID(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	s, t, err := a.centreLoadSession(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	candidacies, err := a.centreCandidaciesOf(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	progress, err := a.centreProgressOf(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	jurors, err := a.centreJuryOf(ctx, id, progress)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := newCentreSession(s, t)
	data := centreBoardData{Session: v, Nav: newCentreNav(v, "suivi"), Now: time.Now(), Refresh: centreBoardRefresh, Total: len(candidacies)}
	names := map[string]string{}
	for _, j := range jurors {
		names[j.Subject] = j.Name
	}
	for _, c := range candidacies {
		row := data.row(c, progress[c.GetId()], jurors, names)
		data.Rows = append(data.Rows, row)
	}
	signed := map[string]time.Time{}
	if s.GetState() == assessmentv1.SessionState_SESSION_STATE_DELIBERATED || s.GetState() == assessmentv1.SessionState_SESSION_STATE_CLOSED {
		m, err := a.svc.assessment.GetMinutes(ctx, &assessmentv1.GetMinutesRequest{SessionId: id})
		if err != nil {
			a.fail(w, r, err)
			return
		}
		data.Minutes = true
		for _, sig := range m.GetMinutes().GetSignatures() {
			signed[sig.GetJurorSubject()] = sig.GetSignTime().AsTime()
		}
	}
	for _, j := range jurors {
		j.SignedAt, j.Signed = signed[j.Subject]
		data.Jurors = append(data.Jurors, j)
		if j.Signed {
			data.Signed++
		}
	}
	a.render(w, r, http.StatusOK, "centre_board", Page{Title: "Suivi — " + v.Type + " du " + CivilDateFR(v.Start), Data: data})
}

// row builds candidacy c's row from its progress p (nil when the service
// did not list it: a candidacy registered between the two reads) and
// counts it in d's totals.
func (d *centreBoardData) row(c *assessmentv1.Candidacy, p *assessmentv1.CandidacyProgress, jury []centreBoardJuror, names map[string]string) centreBoardRow {
	row := centreBoardRow{centreCandidacy: newCentreCandidacy(c)}
	if row.Dossier {
		d.Dossiers++
	}
	byJuror := map[string]*assessmentv1.JurorProgress{}
	for _, jp := range p.GetJurors() {
		byJuror[jp.GetJurorSubject()] = jp
	}
	for _, j := range jury {
		cell := centreBoardCellOf(byJuror[j.Subject])
		cell.Subject = j.Subject
		if cell.State == "RECUSED" {
			d.Recusals = true
		}
		row.Cells = append(row.Cells, cell)
	}
	if row.Deliberated {
		row.Status = "delibere"
		d.Deliberated++
		for _, dec := range c.GetDeliberation().GetCcpDecisions() {
			row.Decisions = append(row.Decisions, dec.GetCcpCode()+" "+centreCCPOutcomeLabel(dec.GetOutcome()))
		}
		return row
	}
	for _, b := range p.GetBlockers() {
		row.Blockers = append(row.Blockers, centreBoardBlocker{Reason: b.GetReason(), Text: centreBlockerText(b, names)})
		switch b.GetReason() {
		case "DOSSIER_MISSING":
			d.Missing++
		case "JURY_TOO_SMALL":
			d.TooSmall++
		case "EVALUATION_MISSING":
			d.Scoring++
			d.Unfinished += len(b.GetJurorSubjects())
		}
	}
	switch {
	case p == nil:
		row.Status = "bloque"
		row.Blockers = []centreBoardBlocker{{Reason: "UNKNOWN", Text: "Avancement indisponible : actualisez le tableau."}}
	case len(row.Blockers) == 0:
		row.Status = "a-deliberer"
		d.Ready++
	default:
		row.Status = "bloque"
	}
	return row
}

// centreBoardCellOf returns a juror's progress as the board shows it; jp
// is nil when the service gave none for that juror.
func centreBoardCellOf(jp *assessmentv1.JurorProgress) centreBoardCell {
	c := centreBoardCell{State: strings.TrimPrefix(jp.GetState().String(), "JUROR_PROGRESS_STATE_"),
		Done: jp.GetCompetencesAssessed(), Of: jp.GetCompetencesExpected()}
	switch jp.GetState() {
	case assessmentv1.JurorProgressState_JUROR_PROGRESS_STATE_NOT_STARTED:
		c.Label = "Non commencée"
	case assessmentv1.JurorProgressState_JUROR_PROGRESS_STATE_IN_PROGRESS:
		c.Label, c.Badge, c.Counted = "En cours", "fr-badge--new", true
	case assessmentv1.JurorProgressState_JUROR_PROGRESS_STATE_COMPLETE:
		c.Label, c.Badge = "Terminée", "fr-badge--success"
	case assessmentv1.JurorProgressState_JUROR_PROGRESS_STATE_RECUSED:
		c.Label, c.Badge = "Récusé·e", "fr-badge--warning"
	default:
		c.Label, c.State = "Inconnue", "UNKNOWN"
	}
	return c
}

// centreBlockerText says in French why the jury may not deliberate yet,
// with the rule the service names; names gives the jurors' names.
func centreBlockerText(b *assessmentv1.DeliberationBlocker, names map[string]string) string {
	var text string
	switch b.GetReason() {
	case "SESSION_NOT_IN_PROGRESS":
		text = "La session n’est pas encore ouverte"
	case "JURY_TOO_SMALL":
		text = "Moins de deux jurés sans lien avec le candidat : le jury ne peut pas délibérer"
	case "DOSSIER_MISSING":
		text = "Dossier professionnel non déposé"
	case "EVALUATION_MISSING":
		who := make([]string, 0, len(b.GetJurorSubjects()))
		for _, s := range b.GetJurorSubjects() {
			if n := names[s]; n != "" {
				s = n
			}
			who = append(who, s)
		}
		text = "Évaluation incomplète : " + centreJoinFR(who)
		if len(who) > 1 {
			text = "Évaluations incomplètes : " + centreJoinFR(who)
		}
	default:
		text = "La délibération est bloquée (" + b.GetReason() + ")"
	}
	if rule := b.GetRule(); rule != "" {
		text += " (règle " + rule + ")"
	}
	return text + "."
}

// centreJoinFR joins names the French way: "A, B et C".
func centreJoinFR(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " et " + names[len(names)-1]
}

// centreJuryOf returns the jury of session id, by subject. The progress
// of every candidacy names the whole jury, so the jury's own list is read
// only for a session without candidacies: each read of the assessment
// service loads the whole session, and the board makes few of them.
func (a *App) centreJuryOf(ctx context.Context, id string, progress map[string]*assessmentv1.CandidacyProgress) ([]centreBoardJuror, error) {
	var out []centreBoardJuror
	for _, p := range progress {
		for _, j := range p.GetJurors() {
			out = append(out, centreBoardJuror{Subject: j.GetJurorSubject(), Name: j.GetDisplayName()})
		}
		return out, nil
	}
	resp, err := a.svc.assessment.ListJurors(ctx, &assessmentv1.ListJurorsRequest{SessionId: id})
	if err != nil {
		return nil, err
	}
	for _, j := range resp.GetJurors() {
		out = append(out, centreBoardJuror{Subject: j.GetSubject(), Name: j.GetDisplayName()})
	}
	return out, nil
}

// centreProgressOf returns the scoring progress of every candidacy of
// session id, by candidacy id (read within centreMaxPages pages, as
// centreCandidaciesOf).
func (a *App) centreProgressOf(ctx context.Context, id string) (map[string]*assessmentv1.CandidacyProgress, error) {
	out := map[string]*assessmentv1.CandidacyProgress{}
	token := ""
	for range centreMaxPages {
		resp, err := a.svc.assessment.GetSessionProgress(ctx, &assessmentv1.GetSessionProgressRequest{
			SessionId: id, PageSize: centreListPageSize, PageToken: token,
		})
		if err != nil {
			return nil, err
		}
		for _, p := range resp.GetCandidacies() {
			out[p.GetCandidacyId()] = p
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	return out, nil
}
