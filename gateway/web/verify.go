package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// maxNumberLength bounds a typed certificate number; real ones have 19
// characters ("TP-2026-XXXX-XXXX-C").
const maxNumberLength = 64

// verifyData is the verification page's data.
type verifyData struct {
	Number  string // as typed, for the form
	Verdict *verdict
}

// verdict is the plain answer: valid, invalid or withdrawn.
type verdict struct {
	Kind        string // "valide", "invalide", "retire"
	Title       string
	Explanation string
	Certificate *certificationv1.PublicCertificate // when valid or withdrawn
}

// verifyForm (GET /verifier) shows the form; sent with ?numero=, it goes
// to the verdict's own address (/verifier/{number}), which can be shared.
func (a *App) verifyForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("numero") {
		a.render(w, r, http.StatusOK, "verify", Page{Title: "Vérifier un certificat", Data: verifyData{}})
		return
	}
	number := normaliseNumber(q.Get("numero"))
	var problem string
	switch {
	case number == "":
		problem = "Saisissez le numéro du certificat, de la forme TP-2026-XXXX-XXXX-X."
	case utf8.RuneCountInString(number) > maxNumberLength:
		problem = "Ce numéro est trop long : un numéro de certificat compte 19 caractères, de la forme TP-2026-XXXX-XXXX-X."
	}
	if problem != "" {
		a.render(w, r, http.StatusUnprocessableEntity, "verify", Page{
			Title:  "Vérifier un certificat",
			Errors: []Field{{ID: "numero", Message: problem}},
			Data:   verifyData{Number: q.Get("numero")},
		})
		return
	}
	http.Redirect(w, r, verifyPath(number), http.StatusSeeOther)
}

// verifyPath is the address of a certificate's verification page. A
// number's check symbol may be "*", which a path may hold as it is (RFC
// 3986) but url.PathEscape writes "%2A": the address people read, copy or
// type shows the number as the certificate prints it.
func verifyPath(number string) string {
	return "/verifier/" + strings.ReplaceAll(url.PathEscape(number), "%2A", "*")
}

// verifyNumber (GET /verifier/{number}) asks the certification service and
// shows its verdict. The method is public: it needs no session (a signed-in
// user's token is forwarded and ignored).
func (a *App) verifyNumber(w http.ResponseWriter, r *http.Request) {
	number := normaliseNumber(r.PathValue("number"))
	if number == "" || utf8.RuneCountInString(number) > maxNumberLength {
		a.notFound(w, r)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.certification.VerifyCertificate(ctx, &certificationv1.VerifyCertificateRequest{Number: number})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := verdictOf(resp)
	a.render(w, r, http.StatusOK, "verify", Page{
		Title: v.Title + " — Vérifier un certificat",
		Data:  verifyData{Number: number, Verdict: v},
	})
}

// verdictOf turns the service's answer into one of three verdicts.
func verdictOf(resp *certificationv1.VerifyCertificateResponse) *verdict {
	switch {
	case resp.GetValid():
		return &verdict{Kind: "valide", Title: "Certificat valide", Certificate: resp.GetCertificate(),
			Explanation: "Ce certificat a bien été délivré par le ministère du Travail, son contenu est intact et il est en vigueur."}
	case resp.GetReason() == "CERTIFICATE_NOT_IN_FORCE" && resp.GetStatus() == certificationv1.CertificateStatus_CERTIFICATE_STATUS_WITHDRAWN:
		// R59: the date of the decision is public, its motivation is not.
		explanation := "Ce certificat a été délivré puis retiré par décision de l’autorité administrative : il n’est plus en vigueur."
		if on := resp.GetWithdrawnOn(); on != "" {
			explanation = "Ce certificat a été délivré puis retiré par décision de l’autorité administrative du " +
				CivilDateFR(on) + " : il n’est plus en vigueur."
		}
		return &verdict{Kind: "retire", Title: "Certificat retiré", Certificate: resp.GetCertificate(), Explanation: explanation}
	case resp.GetReason() == "CERTIFICATE_NOT_IN_FORCE":
		return &verdict{Kind: "retire", Title: "Certificat retiré", Certificate: resp.GetCertificate(),
			Explanation: "Ce certificat a été délivré puis retiré : il n’est plus en vigueur."}
	}
	v := &verdict{Kind: "invalide", Title: "Certificat invalide"}
	switch resp.GetReason() {
	case "NUMBER_MALFORMED":
		v.Explanation = "Ce numéro n’est pas un numéro de certificat, ou il a été mal recopié : son caractère de contrôle ne correspond pas. Vérifiez chaque caractère."
	case "CERTIFICATE_NOT_FOUND":
		v.Explanation = "Aucun certificat ne porte ce numéro."
	case "SIGNATURE_INVALID":
		v.Explanation = "Le contenu de ce certificat ne correspond pas à sa signature : il a été modifié après sa délivrance."
	case "SIGNING_KEY_UNKNOWN":
		v.Explanation = "Ce certificat est signé par une clé que l’autorité de certification ne connaît pas."
	default:
		v.Explanation = "Ce certificat n’a pas pu être reconnu comme authentique."
	}
	return v
}

// normaliseNumber makes a typed number comparable: no surrounding or inner
// spaces, upper case (the service accepts the number as printed).
func normaliseNumber(s string) string {
	s = strings.Join(strings.Fields(s), "")
	return strings.ToUpper(s)
}

// kindLabel names a certificate's kind in French.
func kindLabel(k certificationv1.CertificateKind) string {
	switch k {
	case certificationv1.CertificateKind_CERTIFICATE_KIND_TITRE:
		return "Titre professionnel"
	case certificationv1.CertificateKind_CERTIFICATE_KIND_LIVRET:
		return "Livret de certification (certificats de compétences professionnelles obtenus)"
	default:
		return "Certificat"
	}
}
