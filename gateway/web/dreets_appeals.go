package web

import (
	"net/http"
	"strings"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// The DREETS officer's appeals (GET and POST /dreets/recours, R60–R61): the
// appeals recorded, most recent first page of the service's listing, a form
// to record a new one against a decision named by its resource name, and
// per appeal still open a form to record its outcome. The certification
// service checks every rule (the time limit, R61, among them).

// dreetsAppealRows bounds the list: one page of the service's listing.
const dreetsAppealRows = 200

// appealForm is the filing form as sent.
type appealForm struct{ Kind, Decision, Appellant, Grounds, Notified, Filed string }

// appealsData is the page's data.
type appealsData struct {
	Appeals []appealRow
	Form    appealForm
	Refusal *Message
	Done    string
}

// appealRow is one appeal of the list.
type appealRow struct {
	ID, Kind, Decision, Appellant, FiledOn, Deadline, Outcome, Motivation, DecidedOn string
	Open                                                                             bool
	Restored                                                                         []string
}

var (
	appealKinds = map[string]certificationv1.AppealKind{
		"GRACIEUX": certificationv1.AppealKind_APPEAL_KIND_GRACIEUX, "HIERARCHIQUE": certificationv1.AppealKind_APPEAL_KIND_HIERARCHIQUE,
		"CONTENTIEUX": certificationv1.AppealKind_APPEAL_KIND_CONTENTIEUX,
	}
	appealKindLabels = map[certificationv1.AppealKind]string{
		certificationv1.AppealKind_APPEAL_KIND_GRACIEUX: "gracieux", certificationv1.AppealKind_APPEAL_KIND_HIERARCHIQUE: "hiérarchique",
		certificationv1.AppealKind_APPEAL_KIND_CONTENTIEUX: "contentieux",
	}
	appealOutcomes = map[string]certificationv1.AppealOutcome{
		"UPHELD": certificationv1.AppealOutcome_APPEAL_OUTCOME_UPHELD, "REFORMED": certificationv1.AppealOutcome_APPEAL_OUTCOME_REFORMED,
		"DISMISSED": certificationv1.AppealOutcome_APPEAL_OUTCOME_DISMISSED,
	}
	appealOutcomeLabels = map[certificationv1.AppealOutcome]string{
		certificationv1.AppealOutcome_APPEAL_OUTCOME_UPHELD:    "Décision maintenue",
		certificationv1.AppealOutcome_APPEAL_OUTCOME_REFORMED:  "Décision réformée",
		certificationv1.AppealOutcome_APPEAL_OUTCOME_DISMISSED: "Recours irrecevable",
	}
	// appealFields ties the service's fields to the filing form's, in its order.
	appealFields = []centreFormField{{"kind", "recours-nature"}, {"decision", "recours-decision"}, {"appellant", "recours-requerant"},
		{"grounds", "recours-moyens"}, {"notified_on", "recours-notification"}, {"filed_on", "recours-depot"}}
)

// dreetsAppeals (GET /dreets/recours) shows the appeals and the forms.
func (a *App) dreetsAppeals(w http.ResponseWriter, r *http.Request) {
	var done string
	switch r.URL.Query().Get("fait") {
	case "depot":
		done = "Le recours est enregistré. La décision contestée reste en vigueur jusqu’à sa réformation."
	case "issue":
		done = "L’issue du recours est enregistrée."
	}
	a.dreetsShowAppeals(w, r, http.StatusOK, appealsData{Done: done, Form: appealForm{Kind: "GRACIEUX"}}, nil)
}

func (a *App) dreetsShowAppeals(w http.ResponseWriter, r *http.Request, code int, data appealsData, errs []Field) {
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.certification.ListAppeals(ctx, &certificationv1.ListAppealsRequest{PageSize: dreetsAppealRows})
	if err != nil {
		a.dreetsFail(w, r, err, &link{Label: "Procès-verbaux à valider", Href: "/dreets/a-valider"})
		return
	}
	appeals := resp.GetAppeals()
	for i := len(appeals) - 1; i >= 0; i-- { // the most recent first
		ap := appeals[i]
		data.Appeals = append(data.Appeals, appealRow{
			ID: ap.GetId(), Kind: appealKindLabels[ap.GetKind()], Decision: ap.GetDecision(), Appellant: ap.GetAppellant(),
			FiledOn: CivilDateFR(ap.GetFiledOn()), Deadline: CivilDateFR(ap.GetDeadline()), Outcome: appealOutcomeLabels[ap.GetOutcome()],
			Motivation: ap.GetOutcomeMotivation(), DecidedOn: CivilDateFR(ap.GetDecidedOn()),
			Open: ap.GetState() == certificationv1.AppealState_APPEAL_STATE_FILED, Restored: ap.GetRestoredCertificateNumbers(),
		})
	}
	a.render(w, r, code, "dreets_appeals", Page{Title: "Recours", Errors: errs, Data: data})
}

// dreetsAppealsAction (POST /dreets/recours) records an appeal
// (action=deposer) or its outcome (action=trancher).
func (a *App) dreetsAppealsAction(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	data := appealsData{Form: appealForm{Kind: "GRACIEUX"}}
	var (
		err    error
		done   string
		fields []centreFormField // the decision form has none of its own
	)
	switch r.PostFormValue("action") {
	case "deposer":
		f := appealForm{Kind: r.PostFormValue("recours-nature"), Decision: strings.TrimSpace(r.PostFormValue("recours-decision")),
			Appellant: r.PostFormValue("recours-requerant"), Grounds: r.PostFormValue("recours-moyens"),
			Notified: r.PostFormValue("recours-notification"), Filed: r.PostFormValue("recours-depot")}
		data.Form = f
		_, err = a.svc.certification.FileAppeal(ctx, &certificationv1.FileAppealRequest{Appeal: &certificationv1.Appeal{
			Kind: appealKinds[f.Kind], Decision: f.Decision, Appellant: f.Appellant, Grounds: f.Grounds,
			NotifiedOn: f.Notified, FiledOn: f.Filed}})
		done, fields = "depot", appealFields
	case "trancher":
		_, err = a.svc.certification.DecideAppeal(ctx, &certificationv1.DecideAppealRequest{AppealId: r.PostFormValue("id"),
			Outcome: appealOutcomes[r.PostFormValue("issue")], Motivation: r.PostFormValue("motivation")})
		done = "issue"
	default:
		a.renderError(w, r, http.StatusBadRequest, errorPage{Title: "Demande incomprise",
			Detail: "Cette action n’existe pas sur cette page. Revenez aux recours.", Link: &link{Label: "Recours", Href: "/dreets/recours"}})
		return
	}
	if err == nil {
		http.Redirect(w, r, "/dreets/recours?fait="+done, http.StatusSeeOther)
		return
	}
	if failsThePage(err) {
		a.fail(w, r, err)
		return
	}
	errs, refusal, code := dreetsFormRefusal(err, fields)
	data.Refusal = refusal
	a.dreetsShowAppeals(w, r, code, data, errs)
}
