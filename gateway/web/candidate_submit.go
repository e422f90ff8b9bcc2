package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// The submission of a dossier for a session (GET and POST
// /candidat/dossier/{dossier}/depot) and its receipt (GET
// …/depots/{snapshot}).
//
// SubmitDossier names the session and, optionally, the candidacy; the
// person picks one of their candidacies in a session of the dossier's
// title version. The completeness check is the portfolio service's: the
// page explains the rules it applies (R35, R36, R38, R42), and when the
// service refuses with DOSSIER_INCOMPLETE, the page lists every missing
// item it named, in French, under the rule that requires it, each with a
// link to the page that completes it. Nothing is submitted until the
// service finds the dossier complete.

// maxSessionPages bounds the reading of the person's sessions for the
// submission page (sessionsPageSize each).
const maxSessionPages = 10

// submitPage is the submission page.
type submitPage struct {
	Base       string
	Title      *certificationv1.Title
	RequestID  string
	Candidacy  *choice // nil when the person has no candidacy to submit for
	Alert      *alert
	Incomplete []ruleGroup // what the service found missing, by rule
	Rules      []ruleText
	Previous   []receiptLink
}

// ruleText is a completeness rule, explained.
type ruleText struct{ Code, Title, Text string }

// ruleGroup is a rule and the items of the dossier that break it.
type ruleGroup struct {
	ruleText
	Items []missingItem
}

type missingItem struct{ Text, Href string }

type receiptLink struct{ Label, Href string }

// completenessRules are the rules the portfolio service checks before a
// submission, as docs/rules.md states them, in French.
var completenessRules = []ruleText{
	{"R35", "D’un à trois exemples par activité type",
		"Le dossier présente d’un à trois exemples de pratique professionnelle pour chaque activité type du titre ; pour une session CCP, au moins pour les CCP que vous présentez."},
	{"R36", "Chaque exemple entièrement décrit",
		"Chaque exemple indique les tâches ou opérations, les moyens utilisés, les personnes avec qui vous avez travaillé et le contexte : l’entreprise, le service, le début et la fin de la période, qui ne peut pas finir avant de commencer. Les informations complémentaires sont facultatives."},
	{"R38", "La déclaration sur l’honneur complétée",
		"La déclaration porte le nom du signataire, le lieu et la date de signature, qui ne peut pas être dans le futur."},
	{"R42", "La modalité d’accès sur la page de garde",
		"La page de garde indique la modalité d’accès (VAE ou parcours de formation) ; elle vient de la voie d’accès de votre fiche candidat."},
}

// submission (GET …/depot) shows the rules, the person's candidacies for
// the dossier's title version and the earlier submissions.
func (a *App) submission(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	d, title, err := a.dossierAndTitle(ctx, r.PathValue("dossier"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.newSubmitPage(ctx, d, title, r.URL.Query().Get("candidature"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, "candidate_submit", Page{Title: "Déposer mon dossier pour une session", Data: p})
}

func (a *App) newSubmitPage(ctx context.Context, d *portfoliov1.Dossier, title *certificationv1.Title, selected string) (submitPage, error) {
	p := submitPage{Base: dossierPath(d.GetId()), Title: title, RequestID: uuid.NewString(), Rules: completenessRules}
	var mine []myCandidacy
	token := ""
	for range maxSessionPages {
		page, next, err := a.myCandidacies(ctx, token, sessionsPageSize)
		if err != nil {
			return p, err
		}
		mine = append(mine, page...)
		if token = next; token == "" {
			break
		}
	}
	ch := &choice{ID: "candidature", Name: "candidacy", Legend: "Session pour laquelle vous déposez le dossier"}
	for _, mc := range mine {
		s, c := mc.Session, mc.Candidacy
		if s.GetTitleId() != d.GetTitleId() || s.GetTitleVersion() != d.GetTitleVersion() {
			continue
		}
		if s.GetState() != assessmentv1.SessionState_SESSION_STATE_PLANNED && s.GetState() != assessmentv1.SessionState_SESSION_STATE_IN_PROGRESS {
			continue
		}
		value := s.GetId() + "|" + c.GetId()
		o := option{ID: "candidature-" + strconv.Itoa(len(ch.Options)+1), Value: value,
			Label: fmt.Sprintf("%s du %s au %s — %s", candidateSessionTypeLabel(s.GetType()), CivilDateFR(s.GetStartDate()), CivilDateFR(s.GetEndDate()), s.GetSite()),
			Hint: "Dépôt attendu au plus tard le " + CivilDateFR(cmp.Or(s.GetDossierDeadline(), s.GetStartDate())) +
				". Blocs présentés : " + strings.Join(c.GetCcpCodes(), ", ") + ".",
			Checked: value == selected}
		if c.GetDossierSnapshotId() != "" {
			o.Hint += " Dossier déjà déposé le " + DateTimeFR(c.GetDossierSubmitTime().AsTime()) + " : un nouveau dépôt le remplace tant que le jury n’a pas délibéré."
		}
		ch.Options = append(ch.Options, o)
	}
	if len(ch.Options) > 0 {
		ch.ID = ch.Options[0].ID
		if len(ch.Options) == 1 {
			ch.Options[0].Checked = true
		}
		p.Candidacy = ch
	}
	snaps, err := a.svc.portfolio.ListSnapshots(ctx, &portfoliov1.ListSnapshotsRequest{DossierId: d.GetId(), PageSize: 50})
	if err != nil {
		return p, err
	}
	for _, s := range snaps.GetSnapshots() {
		p.Previous = append(p.Previous, receiptLink{
			Label: "Dépôt du " + DateTimeFR(s.GetSubmitTime().AsTime()),
			Href:  p.Base + "/depots/" + url.PathEscape(s.GetId()),
		})
	}
	slices.Reverse(p.Previous) // the latest first
	return p, nil
}

// submit (POST …/depot) submits the dossier onto the candidacy chosen.
func (a *App) submit(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	d, title, err := a.dossierAndTitle(ctx, r.PathValue("dossier"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	selected := formValue(r, "candidacy", 200)
	sessionID, candidacyID, _ := strings.Cut(selected, "|")
	requestID := formValue(r, "request_id", maxRequestIDLen)
	errs := &formErrors{}
	var shown onForm
	var incomplete []ruleGroup
	if sessionID == "" {
		shown.status = http.StatusUnprocessableEntity
	} else {
		// « Vérifier sans déposer » runs every check of a submission and
		// stores nothing (validate_only); the other button submits.
		checkOnly := r.FormValue("action") == "verifier"
		resp, err := a.svc.portfolio.SubmitDossier(ctx, &portfoliov1.SubmitDossierRequest{
			DossierId: d.GetId(), SessionId: sessionID, CandidacyId: candidacyID, RequestId: requestID, ValidateOnly: checkOnly,
		})
		switch {
		case err == nil && checkOnly:
			shown.status = http.StatusOK
			shown.alert = &alert{Kind: "success", Title: "Votre dossier est complet",
				Detail: "Rien n’a été déposé : vous pouvez maintenant le déposer pour cette session avec « Vérifier et déposer le dossier »."}
		case err == nil:
			http.Redirect(w, r, dossierPath(d.GetId())+"/depots/"+url.PathEscape(resp.GetSnapshot().GetId()), http.StatusSeeOther)
			return
		}
		if err != nil {
			var ok bool
			if shown, ok = refusalOnForm(err, func(string) string { return "" }, errs); !ok {
				a.fail(w, r, err)
				return
			}
			if refusalReason(err) == "DOSSIER_INCOMPLETE" {
				incomplete = incompleteItems(err, d, title)
				shown.alert = &alert{Kind: "error", Title: "Votre dossier n’est pas encore complet",
					Detail: "Il n’a pas été déposé. Complétez les éléments listés ci-dessous sous « Ce qu’il reste à compléter », puis déposez-le de nouveau."}
			}
		}
	}
	p, err := a.newSubmitPage(ctx, d, title, selected)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if requestID != "" {
		// The same submission, should it be sent twice: the service keeps
		// a request id only with the snapshot it made, so a refused one
		// may be sent again.
		p.RequestID = requestID
	}
	p.Alert, p.Incomplete = shown.alert, incomplete
	if sessionID == "" && p.Candidacy != nil {
		errs.add(p.Candidacy.ID, "Choisissez la session pour laquelle vous déposez le dossier.")
		p.Candidacy.Error = errs.get(p.Candidacy.ID)
	}
	a.render(w, r, shown.status, "candidate_submit", Page{Title: "Déposer mon dossier pour une session", Errors: errs.list, Data: p})
}

// activityTypeRE finds the activity type in the service's R35 violation,
// "R35: activity type CCP1 needs 1 to 3 practice examples, the dossier has 0".
var activityTypeRE = regexp.MustCompile(`activity type (\S+) needs`)

// exampleFieldRE reads an example's field path, "examples[2].context.unit".
var exampleFieldRE = regexp.MustCompile(`^examples\[(\d+)\]\.(.+)$`)

// exampleFieldNames name the fields of an example as the form does.
var exampleFieldNames = map[string]string{
	"tasks":                "rubrique 1, les tâches ou opérations",
	"means":                "rubrique 2, les moyens utilisés",
	"collaborators":        "rubrique 3, les personnes avec qui vous avez travaillé",
	"context.organisation": "rubrique 4, l’entreprise ou l’organisme",
	"context.unit":         "rubrique 4, le chantier, l’atelier ou le service",
	"context.period_from":  "rubrique 4, le début de la période",
	"context.period_to":    "rubrique 4, la fin de la période",
}

// incompleteItems reads what the DOSSIER_INCOMPLETE refusal names: its
// field violations, each "Rnn: description" on a field of the dossier,
// and turns them into items under their rule. It reads the status itself
// (not describe), because the rule and the activity type are in the API's
// words.
func incompleteItems(err error, d *portfoliov1.Dossier, title *certificationv1.Title) []ruleGroup {
	st, _ := status.FromError(err)
	base := dossierPath(d.GetId())
	groups := map[string][]missingItem{}
	for _, detail := range st.Details() {
		br, ok := detail.(*errdetails.BadRequest)
		if !ok {
			continue
		}
		for _, v := range br.GetFieldViolations() {
			rule, desc, _ := strings.Cut(v.GetDescription(), ": ")
			item := missingItemOf(v.GetField(), desc, d, title, base)
			groups[rule] = append(groups[rule], item)
		}
	}
	var out []ruleGroup
	for _, rt := range completenessRules {
		if items, ok := groups[rt.Code]; ok {
			out = append(out, ruleGroup{ruleText: rt, Items: items})
			delete(groups, rt.Code)
		}
	}
	for code, items := range groups { // a rule this page does not know yet
		out = append(out, ruleGroup{ruleText: ruleText{Code: code, Title: "Règle " + code}, Items: items})
	}
	return out
}

func missingItemOf(field, desc string, d *portfoliov1.Dossier, title *certificationv1.Title, base string) missingItem {
	switch {
	case field == "examples":
		code := ""
		if m := activityTypeRE.FindStringSubmatch(desc); m != nil {
			code = m[1]
		}
		label := code
		for _, c := range title.GetCcps() {
			if c.GetCode() == code {
				label = code + " — " + c.GetLabel()
			}
		}
		if code == "" {
			return missingItem{Text: "Il manque des exemples pour une activité type du titre.", Href: base + "#exemples"}
		}
		return missingItem{Text: "Activité type " + label + " : ajoutez d’un à trois exemples.", Href: base + "/exemple?ccp=" + url.QueryEscape(code)}
	case strings.HasPrefix(field, "examples["):
		m := exampleFieldRE.FindStringSubmatch(field)
		if m == nil {
			break
		}
		i, _ := strconv.Atoi(m[1])
		what := cmp.Or(exampleFieldNames[m[2]], m[2])
		problem := "à remplir"
		if strings.Contains(desc, "must not end before it starts") {
			problem = "la période ne peut pas finir avant de commencer"
		}
		if i < len(d.GetExamples()) {
			e := d.GetExamples()[i]
			return missingItem{
				Text: fmt.Sprintf("Exemple « %s » (%s) : %s — %s.", e.GetTitle(), e.GetCcpCode(), what, problem),
				Href: base + "/exemple/" + url.PathEscape(e.GetId()) + "#" + exampleInputs[m[2]],
			}
		}
		return missingItem{Text: fmt.Sprintf("Exemple n° %d : %s — %s.", i+1, what, problem), Href: base + "#exemples"}
	case strings.HasPrefix(field, "sworn_statement."):
		what := map[string]string{
			"sworn_statement.signer_name": "le nom du signataire", "sworn_statement.place": "le lieu de signature",
			"sworn_statement.date": "la date de signature",
		}[field]
		problem := "à remplir"
		if strings.Contains(desc, "future") {
			problem = "elle ne peut pas être dans le futur"
		}
		id := map[string]string{"sworn_statement.signer_name": "signataire", "sworn_statement.place": "lieu", "sworn_statement.date": "date-signature"}[field]
		return missingItem{Text: "Déclaration sur l’honneur : " + cmp.Or(what, field) + " — " + problem + ".", Href: base + "/declaration#" + id}
	case field == "cover.access_mode":
		return missingItem{Text: "Page de garde : votre fiche candidat n’indique pas de voie d’accès (formation, apprentissage ou VAE).", Href: recordPath + "#voie-formation"}
	}
	return missingItem{Text: "Élément à compléter : " + field + ".", Href: base}
}

// receiptPage is the receipt of a submission.
type receiptPage struct {
	Base     string
	Snapshot *portfoliov1.Snapshot
	Session  *assessmentv1.Session
	Type     string
	Docs     []documentRow
}

// receipt (GET …/depots/{snapshot}) shows a submitted snapshot: when, for
// which session, what it holds and its manifest hash (R41).
func (a *App) receipt(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.portfolio.GetSnapshot(ctx, &portfoliov1.GetSnapshotRequest{DossierId: r.PathValue("dossier"), SnapshotId: r.PathValue("snapshot")})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	s := resp.GetSnapshot()
	p := receiptPage{Base: dossierPath(s.GetDossierId()), Snapshot: s}
	if sess, err := a.svc.assessment.GetSession(ctx, &assessmentv1.GetSessionRequest{SessionId: s.GetSessionId()}); err == nil {
		p.Session, p.Type = sess.GetSession(), candidateSessionTypeLabel(sess.GetSession().GetType())
	}
	for _, doc := range s.GetContent().GetDocuments() {
		p.Docs = append(p.Docs, documentRow{Name: doc.GetFileName(), Kind: documentKindLabel(doc.GetKind()),
			Type: fileTypeLabel(doc.GetContentType()), Size: sizeFR(doc.GetSizeBytes())})
	}
	a.render(w, r, http.StatusOK, "candidate_receipt", Page{Title: "Dossier déposé", Data: p})
}
