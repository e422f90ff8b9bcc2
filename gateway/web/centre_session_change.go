package web

import (
	"net/http"
	"strings"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

// A session that changes, from its page (POST /centre/sessions/{id}):
// "reporter" postpones it to later dates for a reason (planned, or opened
// with a jury fallen below two members, R19), "annuler" cancels it for a
// reason (its candidacies are released). Both are guarded by the etag of
// the page the centre read; the service decides what is allowed.

// centrePostponeFields map the postponement's API fields to the form's.
var centrePostponeFields = []centreFormField{
	{"start_date", "report-debut"}, {"end_date", "report-fin"}, {"dossier_deadline", "report-depot"}, {"reason", "report-motif"},
}

// centreCancelFields map the cancellation's API fields to the form's.
var centreCancelFields = []centreFormField{{"reason", "annulation-motif"}}

func (a *App) centrePostpone(w http.ResponseWriter, r *http.Request, id, etag string) {
	form := centrePostponeForm{
		Start: strings.TrimSpace(r.PostFormValue("report-debut")), End: strings.TrimSpace(r.PostFormValue("report-fin")),
		Deadline: strings.TrimSpace(r.PostFormValue("report-depot")), Reason: r.PostFormValue("report-motif"),
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.assessment.PostponeSession(ctx, &assessmentv1.PostponeSessionRequest{SessionId: id, Etag: etag,
		StartDate: form.Start, EndDate: form.End, DossierDeadline: form.Deadline, Reason: form.Reason})
	if err == nil {
		http.Redirect(w, r, "/centre/sessions/"+id+"?reportee=1", http.StatusSeeOther)
		return
	}
	ref, errs, status, ok := centreRefusalOf(err, centrePostponeFields, centreChangeHint)
	if !ok {
		a.fail(w, r, err)
		return
	}
	if ref != nil && centreReason(err) == "SESSION_VERSION_CONFLICT" {
		ref.Reload = "/centre/sessions/" + id
	}
	a.centreShowSessionForms(w, r, status, ref, errs, &form, "", nil)
}

func (a *App) centreCancel(w http.ResponseWriter, r *http.Request, id, etag string) {
	reason := r.PostFormValue("annulation-motif")
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.assessment.CancelSession(ctx, &assessmentv1.CancelSessionRequest{SessionId: id, Etag: etag, Reason: reason})
	if err == nil {
		http.Redirect(w, r, "/centre/sessions/"+id+"?annulee=1", http.StatusSeeOther)
		return
	}
	ref, errs, status, ok := centreRefusalOf(err, centreCancelFields, centreChangeHint)
	if !ok {
		a.fail(w, r, err)
		return
	}
	if ref != nil && centreReason(err) == "SESSION_VERSION_CONFLICT" {
		ref.Reload = "/centre/sessions/" + id
	}
	a.centreShowSessionForms(w, r, status, ref, errs, nil, reason, nil)
}

// centreChangeHint explains the refusals of a postponement or a
// cancellation.
func centreChangeHint(reason string, _ map[string]string) string {
	switch reason {
	case "SESSION_VERSION_CONFLICT":
		return "La session a changé depuis que cette page a été affichée. Rechargez la page, vérifiez la session, puis recommencez."
	case "SESSION_NOT_POSTPONABLE":
		return "Une session se reporte tant qu’elle est planifiée ; une fois ouverte, seulement si son jury compte moins de deux membres et qu’aucun candidat n’est délibéré (règle R19)."
	case "SESSION_NOT_CANCELLABLE":
		return "Le jury a déjà délibéré sur un candidat : la session va à son terme."
	case "HABILITATION_NOT_COVERING":
		return "L’habilitation d’un juré ne couvre pas les nouvelles dates (règle R16) : retirez-le du jury ou choisissez d’autres dates."
	}
	return ""
}
