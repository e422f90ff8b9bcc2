package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// maxReturnReason bounds the reason of a return, in characters (the
// service's bound).
const maxReturnReason = 2000

// dreetsReturn (POST /dreets/resultats/{session}/renvoi) returns the
// minutes the officer examined to the jury (R51), with the reason and the
// candidacies to deliberate again, ticked on the page. The hash shown on
// the page goes with the request, so that the service refuses to return
// other minutes than those on the screen.
func (a *App) dreetsReturn(w http.ResponseWriter, r *http.Request) {
	id, ok := sessionIDParam(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	hash := r.PostFormValue("empreinte")
	if len(hash) != hashLength || strings.Trim(hash, "0123456789abcdef") != "" {
		a.renderError(w, r, http.StatusBadRequest, errorPage{
			Title:  "Formulaire incomplet",
			Detail: "L’empreinte du procès-verbal examiné manque au formulaire de renvoi. Rechargez le procès-verbal et recommencez.",
			Link:   &link{Label: "Recharger le procès-verbal", Href: resultHref(id)},
		})
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("motif"))
	candidacies := r.PostForm["candidatures"]
	var errs []Field
	switch {
	case reason == "":
		errs = append(errs, Field{ID: "motif", Message: "Indiquez le motif du renvoi : le jury le lira avant de délibérer de nouveau."})
	case utf8.RuneCountInString(reason) > maxReturnReason:
		errs = append(errs, Field{ID: "motif", Message: "Le motif compte au plus 2 000 caractères."})
	}
	if len(candidacies) == 0 {
		errs = append(errs, Field{ID: "candidatures", Message: "Cochez au moins une candidature à délibérer de nouveau."})
	}
	if len(errs) > 0 {
		v, err := a.resultView(r, id)
		if err != nil {
			a.dreetsFail(w, r, err, &link{Label: "Procès-verbaux à valider", Href: "/dreets/a-valider"})
			return
		}
		a.render(w, r, http.StatusUnprocessableEntity, "dreets_result", Page{Title: resultTitle(v), Errors: errs, Data: v})
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.certification.ReturnResult(ctx, &certificationv1.ReturnResultRequest{
		SessionId: id, MinutesHash: hash, Reason: reason, CandidacyIds: candidacies,
	})
	if err == nil {
		http.Redirect(w, r, resultHref(id)+"?renvoye=1", http.StatusSeeOther)
		return
	}
	a.dreetsResultRefused(w, r, id, err, true)
}
