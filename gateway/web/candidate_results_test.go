package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/pdfdoc/pdftext"
)

func TestCandidateSeesResultsAndCertificatesOnceValidated(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	me, c, id := s.newDossier(t)
	base := "/candidat/dossier/" + id
	title := s.title(t)

	// Before any session: nothing yet, said plainly.
	p := get(t, c, s.srv.URL+"/candidat/resultats")
	if p.status != 200 || !strings.Contains(p.body, "Aucune décision validée pour le moment") || !strings.Contains(p.body, "Aucun certificat pour le moment") {
		t.Fatalf("results before any session: %d", p.status)
	}

	session := s.planWithJury(t, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	candidacy := s.registerCandidacy(t, session.centre, session.id, s.candidateID(t, me))
	s.completeDossier(t, me, id, false)
	if p := s.submitUntilKnown(t, c, base, url.Values{"candidacy": {session.id + "|" + candidacy}}); p.status != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", p.status, p.body)
	}
	motivation := "Compétences non démontrées lors de la mise en situation."
	s.runJury(t, session, candidacy, map[string]string{"CCP2": motivation})

	// The ministry validated: the decision per CCP, with the motivation
	// of the one not obtained; the CCPs held; the livret and its link.
	var certs *certificationv1.ListCertificatesResponse
	waitUntil(t, "the livret", func() bool {
		var err error
		certs, err = s.cert.ListCertificates(me.ctx(t), &certificationv1.ListCertificatesRequest{})
		return err == nil && len(certs.GetCertificates()) == 1
	})
	number := certs.GetCertificates()[0].GetNumber()
	p = get(t, c, s.srv.URL+"/candidat/resultats")
	if p.status != 200 {
		t.Fatalf("results: %d", p.status)
	}
	label := func(code string) string {
		for _, ccp := range title.GetCcps() {
			if ccp.GetCode() == code {
				return code + " — " + html.EscapeString(ccp.GetLabel())
			}
		}
		return code
	}
	for _, w := range []string{
		"Réussite partielle : certains blocs obtenus",
		`<th scope="row">` + label("CCP1") + `</th>`,
		`fr-badge--error">Non obtenu</span></td>
      <td>` + html.EscapeString(motivation) + `</td>`,
		"Livret de certification",
		number,
		`<a href="/verifier/` + number + `">` + s.app.cfg.PublicURL + `/verifier/` + number + `</a>`,
		"Certificats de compétences professionnelles (CCP) inscrits",
	} {
		if !strings.Contains(p.body, w) {
			t.Errorf("results page lacks %q", w)
		}
	}
	// The decisions and the CCPs held wrap in their cells (the design
	// system keeps a table's cells on one line, which hid the motivation
	// beyond the table's right edge; the browser test measures it).
	if n := strings.Count(p.body, `<div class="fr-table fr-table--multiline">`); n != 2 {
		t.Errorf("%d tables of the results page wrap their cells; want the decisions' and the CCPs held", n)
	}
	if n := strings.Count(p.body, ">Obtenu</span>"); n != 2 {
		t.Errorf("%d CCPs shown obtained; want 2", n)
	}
	// The public verification link says the livret is valid.
	if v := get(t, browser(t), s.srv.URL+"/verifier/"+number); v.status != 200 || !strings.Contains(v.body, `data-verdict="valide"`) {
		t.Errorf("verification of the livret: %d", v.status)
	}
	// The space counts the certificate.
	if p := get(t, c, s.srv.URL+"/candidat"); !strings.Contains(p.body, "1 certificat délivré") {
		t.Error("the space does not count the certificate")
	}
	// What is missing for the titre, and the sessions that complete it
	// (R54); the result sheet as PDF, with the motivation.
	for _, w := range []string{`id="pour-obtenir-le-titre"`, "<li>" + label("CCP2") + "</li>", "session CCP", "session titre"} {
		if !strings.Contains(p.body, w) {
			t.Errorf("results page lacks %q", w)
		}
	}
	sheet := "/candidat/resultats/" + session.id + "/" + candidacy + "/fiche.pdf"
	if !strings.Contains(p.body, `href="`+sheet+`"`) {
		t.Fatalf("results page lacks the link to the result sheet %s", sheet)
	}
	pdf := get(t, c, s.srv.URL+sheet)
	if pdf.status != 200 || pdf.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("result sheet: %d %s", pdf.status, pdf.header.Get("Content-Type"))
	}
	if text := pdftext.Extract(t, []byte(pdf.body)); !strings.Contains(text, motivation) || !strings.Contains(text, "CCP manquants : CCP2") {
		t.Errorf("the result sheet lacks the motivation or the missing CCP:\n%s", text)
	}
	_, other, _ := s.newDossier(t)
	if got := get(t, other, s.srv.URL+sheet); got.status != http.StatusForbidden {
		t.Errorf("another candidate's result sheet: %d", got.status)
	}
	// The livret as a parchment (PDF, with its QR code), theirs only.
	parchment := "/candidat/certificats/" + number + "/parchemin.pdf"
	if !strings.Contains(p.body, `href="`+parchment+`">Télécharger le livret de certification`) {
		t.Fatalf("results page lacks the link to the parchment %s", parchment)
	}
	doc := get(t, c, s.srv.URL+parchment)
	if doc.status != 200 || doc.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("parchment: %d %s", doc.status, doc.header.Get("Content-Type"))
	}
	if text := pdftext.Extract(t, []byte(doc.body)); !strings.Contains(text, "Livret de certification") || !strings.Contains(text, "Numéro : "+number) {
		t.Errorf("the parchment lacks its kind or number:\n%s", text)
	}
	if got := get(t, other, s.srv.URL+parchment); got.status != http.StatusForbidden {
		t.Errorf("another candidate's parchment: %d", got.status)
	}
	// Its verifiable credentials in one JSON file: one per CCP held, no
	// titre's; theirs only.
	creds := "/candidat/certificats/" + number + "/attestations.json"
	if !strings.Contains(p.body, `href="`+creds+`">Télécharger les attestations numériques vérifiables`) {
		t.Fatalf("results page lacks the link to the credentials %s", creds)
	}
	file := get(t, c, s.srv.URL+creds)
	var got credentialsFile
	if file.status != 200 || file.header.Get("Content-Type") != "application/json" || json.Unmarshal([]byte(file.body), &got) != nil {
		t.Fatalf("credentials: %d %s %.200s", file.status, file.header.Get("Content-Type"), file.body)
	}
	if got.Certificate != number || len(got.Credentials) == 0 {
		t.Fatalf("credentials file = %+v", got)
	}
	for _, k := range got.Credentials {
		if k.Kind != "CCP" || k.CcpCode == "CCP2" || strings.Count(k.JWS, ".") != 2 {
			t.Errorf("a livret's credential = %+v; want a CCP held, as a compact JWS", k)
		}
	}
	if got := get(t, other, s.srv.URL+creds); got.status != http.StatusForbidden {
		t.Errorf("another candidate's credentials: %d", got.status)
	}

	// Withdrawn by the DREETS (R59): the holder reads the decision and its
	// motivation, and no longer gets the parchment.
	const why = "Fraude établie : document justificatif falsifié dans le dossier."
	if _, err := s.cert.WithdrawCertificate(t.Context(), &certificationv1.WithdrawCertificateRequest{Number: number, Motivation: why,
		DecisionReference: "Arrêté 2026-042", DecidedOn: time.Now().In(paris).Format(time.DateOnly)},
		s.as(t, auth.Principal{Subject: "dreets-retraits", Roles: []auth.Role{auth.RoleMinistry}})); err != nil {
		t.Fatal(err)
	}
	p = get(t, c, s.srv.URL+"/candidat/resultats")
	for _, w := range []string{"data-not-in-force", "Retiré par décision de l’autorité administrative", "Arrêté 2026-042", html.EscapeString(why)} {
		if !strings.Contains(p.body, w) {
			t.Errorf("the results page of a withdrawn livret lacks %q", w)
		}
	}
	if strings.Contains(p.body, `href="`+parchment+`"`) || strings.Contains(p.body, `href="`+creds+`"`) {
		t.Error("the results page still offers the parchment or the credentials of a withdrawn livret")
	}
	if got := get(t, c, s.srv.URL+parchment); got.status != http.StatusBadRequest || !strings.Contains(got.body, "Ce certificat a été retiré") {
		t.Errorf("the parchment of a withdrawn livret: %d", got.status)
	}
}
