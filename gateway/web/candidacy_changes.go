package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

// candidacyChangesFR says in French what happened to a candidacy besides
// its registration: its withdrawal or transfer ("" while it is in the
// session) and its disability adjustments (R46), one sentence each.
func candidacyChangesFR(c *assessmentv1.Candidacy) (withdrawn string, adjustments []string) {
	if w := c.GetWithdrawal(); w != nil {
		switch {
		case w.GetTransferredTo() != nil:
			withdrawn = "Transférée vers une autre session le " + DateFR(w.GetWithdrawTime().AsTime())
		case w.GetByCandidate():
			withdrawn = "Retirée par le candidat le " + DateFR(w.GetWithdrawTime().AsTime())
		default:
			withdrawn = "Retirée par le centre le " + DateFR(w.GetWithdrawTime().AsTime())
		}
		if r := w.GetReason(); r != "" {
			withdrawn += " : " + r
		}
	}
	for _, a := range c.GetAdjustments() {
		s := juryEpreuveLabels[a.GetEpreuve()]
		if s == "" {
			s = "Toutes les épreuves"
		}
		if m := a.GetExtraMinutes(); m > 0 {
			s += fmt.Sprintf(" : %d min de temps supplémentaire", m)
		}
		if x := a.GetArrangements(); x != "" {
			s += " ; " + x
		}
		s += " (autorisation " + a.GetAuthorisationReference() + " du " + CivilDateFR(a.GetAuthorisationDate())
		if a.GetExceptional() {
			s += ", à titre exceptionnel"
		}
		adjustments = append(adjustments, s+")")
	}
	return withdrawn, adjustments
}

// ecfResultsFR says each ECF result of a candidacy (R30) in French.
func ecfResultsFR(c *assessmentv1.Candidacy) []string {
	var out []string
	for _, r := range c.GetEcfResults() {
		s := r.GetCcpCode() + " : "
		if r.GetObtained() {
			s += "obtenu"
		} else {
			s += "non obtenu"
		}
		s += " (évaluation du " + CivilDateFR(r.GetAssessmentDate()) + ")"
		out = append(out, s)
	}
	return out
}

// centreRecordECF (POST /centre/sessions/{id}/candidatures/{candidacy}/ecf)
// records the ECF results the centre typed for a training-route candidacy
// (R30): a result per CCP chosen, at the date given; the deliberation needs
// one per CCP of the scope (R49).
func (a *App) centreRecordECF(w http.ResponseWriter, r *http.Request) {
	id, ok := centreSessionID(r)
	candidacy, ok2 := centreID(r.PathValue("candidacy"))
	if !ok || !ok2 {
		a.notFound(w, r)
		return
	}
	date := strings.TrimSpace(r.PostFormValue("ecf-date"))
	if d, err := time.Parse("02/01/2006", date); err == nil {
		date = d.Format(time.DateOnly)
	}
	req := &assessmentv1.RecordEcfResultsRequest{SessionId: id, CandidacyId: candidacy}
	for key, values := range r.PostForm {
		code, isECF := strings.CutPrefix(key, "ecf:")
		if !isECF || len(values) == 0 || values[0] == "" || len(code) > 64 || len(req.Results) >= 50 {
			continue
		}
		req.Results = append(req.Results, &assessmentv1.EcfResult{CcpCode: code, Obtained: values[0] == "obtenu", AssessmentDate: date})
	}
	form := centreRegisterForm{RequestID: uuid.NewString(), Mode: "liste"}
	if len(req.Results) == 0 {
		a.centreShowCandidacies(w, r, http.StatusUnprocessableEntity, form,
			[]Field{{ID: "ecf-" + candidacy, Message: "Choisissez le résultat des ECF d’au moins un CCP."}}, nil)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.assessment.RecordEcfResults(ctx, req)
	if err == nil {
		http.Redirect(w, r, "/centre/sessions/"+id+"/candidatures?fait=ecf", http.StatusSeeOther)
		return
	}
	ref, errs, status, ok := centreRefusalOf(err, []centreFormField{{"results", "ecf-" + candidacy}}, nil)
	if !ok {
		a.fail(w, r, err)
		return
	}
	a.centreShowCandidacies(w, r, status, form, errs, ref)
}
