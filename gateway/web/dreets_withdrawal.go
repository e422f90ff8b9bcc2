package web

import (
	"net/http"
	"strings"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// The DREETS officer's withdrawal of an award (GET and POST
// /dreets/retraits, R59): a form with the certificate's number, optionally
// one of its CCPs, the motivation, the decision's reference and date. The
// certification service checks every rule; the page shows its refusals
// next to the fields, and the withdrawal done.

// withdrawalForm is the form as sent.
type withdrawalForm struct{ Number, Ccp, Motivation, Reference, Date string }

// withdrawalData is the page's data.
type withdrawalData struct {
	Form    withdrawalForm
	Refusal *Message
	// Done is the certificate withdrawn by the last action, with the
	// numbers of every certificate the decision withdrew.
	Done      string
	Withdrawn []string
}

// withdrawalFields ties the service's fields to the form's, in the form's order.
var withdrawalFields = []centreFormField{{"number", "retrait-numero"}, {"ccp_code", "retrait-ccp"}, {"motivation", "retrait-motivation"},
	{"decision_reference", "retrait-reference"}, {"decided_on", "retrait-date"}}

// dreetsWithdrawals (GET /dreets/retraits) shows the form, and the
// withdrawal just recorded (?fait=NUMBER).
func (a *App) dreetsWithdrawals(w http.ResponseWriter, r *http.Request) {
	data := withdrawalData{}
	if n := normaliseNumber(r.URL.Query().Get("fait")); n != "" && len(n) <= maxNumberLength {
		ctx, cancel := callContext(r)
		defer cancel()
		resp, err := a.svc.certification.GetCertificate(ctx, &certificationv1.GetCertificateRequest{Number: n})
		if err == nil && resp.GetCertificate().GetStatus() == certificationv1.CertificateStatus_CERTIFICATE_STATUS_WITHDRAWN {
			data.Done, data.Withdrawn = n, resp.GetCertificate().GetWithdrawal().GetWithdrawnCertificateNumbers()
		}
	}
	a.render(w, r, http.StatusOK, "dreets_withdrawal", Page{Title: "Retirer une certification", Data: data})
}

// dreetsWithdraw (POST /dreets/retraits) records the decision.
func (a *App) dreetsWithdraw(w http.ResponseWriter, r *http.Request) {
	f := withdrawalForm{Number: normaliseNumber(r.PostFormValue("retrait-numero")), Ccp: strings.TrimSpace(r.PostFormValue("retrait-ccp")),
		Motivation: r.PostFormValue("retrait-motivation"), Reference: r.PostFormValue("retrait-reference"), Date: r.PostFormValue("retrait-date")}
	data := withdrawalData{Form: f}
	if f.Number == "" || len(f.Number) > maxNumberLength {
		a.render(w, r, http.StatusUnprocessableEntity, "dreets_withdrawal", Page{Title: "Retirer une certification",
			Errors: []Field{{ID: "retrait-numero", Message: "Saisissez le numéro du certificat, tel qu’il figure sur le parchemin."}}, Data: data})
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.certification.WithdrawCertificate(ctx, &certificationv1.WithdrawCertificateRequest{
		Number: f.Number, CcpCode: f.Ccp, Motivation: f.Motivation, DecisionReference: f.Reference, DecidedOn: f.Date})
	if err == nil {
		http.Redirect(w, r, "/dreets/retraits?fait="+f.Number, http.StatusSeeOther)
		return
	}
	if failsThePage(err) {
		a.fail(w, r, err)
		return
	}
	errs, refusal, code := dreetsFormRefusal(err, withdrawalFields)
	data.Refusal = refusal
	a.render(w, r, code, "dreets_withdrawal", Page{Title: "Retirer une certification", Errors: errs, Data: data})
}
