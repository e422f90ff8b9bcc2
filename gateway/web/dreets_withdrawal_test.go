package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/civildate"
)

// TestDreetsWithdrawsACertificate: the officer withdraws a titre from the
// withdrawal page (R59): an incomplete decision is refused next to its
// fields, a complete one is recorded and the page says so; the public
// verification then says the certificate is withdrawn; withdrawing it
// again is refused in French with the service's reason.
func TestDreetsWithdrawsACertificate(t *testing.T) {
	t.Parallel()
	b := startBackend(t)
	srv := b.srv
	officer, csrf := b.signedIn(t, ministry, b.token(t, ministry))
	asMinistry := b.as(t, ministry)
	s := b.signMinutes(t, []person{{Given: "Camille", Birth: "Durand"}}, 2)
	got, err := b.cert.GetResult(t.Context(), &certificationv1.GetResultRequest{SessionId: s.ID}, asMinistry)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.cert.ValidateResult(t.Context(), &certificationv1.ValidateResultRequest{SessionId: s.ID,
		MinutesHash: got.GetResult().GetMinutesHash()}, asMinistry); err != nil {
		t.Fatal(err)
	}
	certs := certificatesOf(t, b, s.Candidates[0])
	if len(certs) != 1 {
		t.Fatalf("%d certificates; want 1", len(certs))
	}
	n := certs[0].GetNumber()
	formURL := srv.URL + "/dreets/retraits"
	contains(t, "the withdrawal page", get(t, officer, formURL), `id="formulaire-retrait"`, `name="retrait-motivation"`, "règle R59")

	p := postForm(t, officer, formURL, url.Values{CSRFField: {csrf}, "retrait-numero": {n}, "retrait-motivation": {"Fraude."}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("an incomplete withdrawal = %d", p.status)
	}
	contains(t, "the incomplete withdrawal", p, `id="retrait-motivation-erreur"`, `id="retrait-reference-erreur"`, `id="retrait-date-erreur"`)

	today := civildate.Of(time.Now()).String()
	decision := url.Values{CSRFField: {csrf}, "retrait-numero": {strings.ToLower(n)},
		"retrait-motivation": {"Fraude établie : substitution d’identité lors de l’épreuve."},
		"retrait-reference":  {"Arrêté 2026-042"}, "retrait-date": {today}}
	p = postForm(t, officer, formURL, decision)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/dreets/retraits?fait="+n {
		t.Fatalf("withdrawal = %d %q: %.500s", p.status, p.header.Get("Location"), p.body)
	}
	contains(t, "the withdrawal done", get(t, officer, srv.URL+p.header.Get("Location")), `id="retrait-fait"`, n)
	v := get(t, officer, srv.URL+"/verifier/"+n)
	contains(t, "the verification page", v, `data-verdict="retire"`, "retiré par décision de l’autorité administrative")
	if strings.Contains(v.body, "substitution") {
		t.Error("the public verification shows the motivation")
	}

	p = postForm(t, officer, formURL, decision)
	if p.status != http.StatusBadRequest {
		t.Errorf("a second withdrawal = %d; want 400", p.status)
	}
	contains(t, "the second withdrawal", p, "data-refusal", "Ce certificat est déjà retiré.", "CERTIFICATE_ALREADY_WITHDRAWN")
}
