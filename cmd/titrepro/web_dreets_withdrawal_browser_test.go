package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/gateway/web/browsertest"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/pdfdoc/pdftext"
)

// TestWebDreetsWithdrawalInTheBrowser: the DREETS officer withdraws a titre
// in Chromium against `titrepro serve` (R59). The award is played through
// REST as set-up; the officer opens the withdrawal page from the menu,
// sends it without motivation (refused next to the field), completes it,
// sees the withdrawal recorded and the public verification page saying the
// titre is withdrawn, without the motivation. Every screen is checked
// (screenshots at two sizes, axe-core).
func TestWebDreetsWithdrawalInTheBrowser(t *testing.T) {
	b := browsertest.Start(t)
	s := startServer(t, testConfig(t, t.TempDir()))
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	res, err := runFullSession(ctx, w)
	if err != nil {
		t.Fatal(err)
	}

	// The parchment as printed before the withdrawal: its QR code.
	parchment := s.call(t, "GET", "/v1/certificates/"+res.certificate+"/parchment", w.tokens[asCandidate], nil)
	if parchment.status != http.StatusOK {
		t.Fatalf("parchment: HTTP %d", parchment.status)
	}
	qr := pdftext.QRCode(t, parchment.body)
	_, proof, _ := strings.Cut(qr, "#")

	tab := b.NewTab(t)
	officer := "agent-dreets-" + randomSuffix()
	if status := tab.Login(s.base, "ministry", officer, "", "/dreets/a-valider"); status != http.StatusOK {
		t.Fatalf("login: %d", status)
	}
	if status := tab.Follow("Retraits"); status != http.StatusOK || !strings.HasSuffix(tab.URL(), "/dreets/retraits") {
		t.Fatalf("the withdrawal page: %d at %s", status, tab.URL())
	}
	tab.Check("dreets-retraits")
	tab.Fill("Numéro du certificat", res.certificate)
	tab.Fill("Référence de la décision", "Arrêté DREETS-ARA 2026-042")
	centreSetDate(tab, "retrait-date", time.Now())
	if status := tab.Follow("Enregistrer le retrait"); status != http.StatusUnprocessableEntity || !tab.Has("#retrait-motivation-erreur") {
		t.Fatalf("a withdrawal without motivation: %d\n%s", status, tab.MainText())
	}
	tab.Check("dreets-retrait-incomplet")
	const motivation = "Fraude établie : substitution d’identité lors de la mise en situation professionnelle."
	tab.Fill("Motivation de la décision", motivation)
	if status := tab.Follow("Enregistrer le retrait"); status != http.StatusOK || !tab.Has("#retrait-fait") {
		t.Fatalf("the withdrawal: %d\n%s", status, tab.MainText())
	}
	tab.Check("dreets-retrait-fait")

	// The paper's QR code, read after the withdrawal: the proof is the
	// authority's, and the page says the document is no longer in force.
	tab.Open(s.base + "/verifier/" + res.certificate + "#" + proof)
	if got := waitForProof(t, tab); got != "authentique" || !strings.Contains(tab.MainText(), "n’est plus en vigueur : voyez le verdict ci-dessus") {
		t.Errorf("the QR proof of the withdrawn titre: %q\n%s", got, tab.MainText())
	}
	if !tab.Has(`[data-verdict="retire"]`) || !strings.Contains(tab.MainText(), "retiré par décision de l’autorité administrative") ||
		strings.Contains(tab.MainText(), "substitution") {
		t.Errorf("the verification page of the withdrawn titre:\n%s", tab.MainText())
	}
	tab.Check("verification-certificat-retire")

	got := &certificationv1.GetCertificateResponse{}
	if err := w.call(ctx, asMinistry, "GET", "/v1/certificates/"+res.certificate, nil, got); err != nil ||
		got.GetCertificate().GetWithdrawal().GetMotivation() != motivation || got.GetCertificate().GetWithdrawal().GetDecidedBy() != officer {
		t.Fatalf("the certificate after the withdrawal: %v, %v", got.GetCertificate().GetWithdrawal(), err)
	}

	// The holder's appeal against the withdrawal (R60), recorded and
	// decided REFORMED from the appeals page: the titre is in force again.
	tab.Open(s.base + "/dreets/a-valider")
	if status := tab.Follow("Recours"); status != http.StatusOK || !strings.HasSuffix(tab.URL(), "/dreets/recours") {
		t.Fatalf("the appeals page: %d at %s", status, tab.URL())
	}
	tab.Check("dreets-recours")
	tab.Fill("Décision contestée", "withdrawals/"+got.GetCertificate().GetWithdrawal().GetId())
	tab.Fill("Auteur du recours", "Anne Martin")
	tab.Fill("Moyens invoqués", "Je n’ai jamais été remplacée à l’épreuve.")
	if status := tab.Follow("Enregistrer le recours"); status != http.StatusOK || !tab.Has("#recours-fait") {
		t.Fatalf("the appeal: %d\n%s", status, tab.MainText())
	}
	tab.Check("dreets-recours-depose")
	list := &certificationv1.ListAppealsResponse{}
	if err := w.call(ctx, asMinistry, "GET", "/v1/appeals", nil, list); err != nil || len(list.GetAppeals()) != 1 {
		t.Fatalf("appeals: %v, %v", list, err)
	}
	id := list.GetAppeals()[0].GetId()
	tab.Eval(fmt.Sprintf(`document.getElementById(%q).value = "REFORMED"`, "issue-"+id), nil) // a select: as the person picks it
	tab.Fill("Motivation de l’issue du recours "+id, "La substitution d’identité n’est pas établie.")
	if status := tab.Follow("Enregistrer l’issue du recours " + id); status != http.StatusOK || !tab.Has("[data-outcome]") ||
		!strings.Contains(tab.MainText(), res.certificate) {
		t.Fatalf("the outcome: %d\n%s", status, tab.MainText())
	}
	tab.Check("dreets-recours-tranche")
	v, err := w.verify(ctx, res.certificate)
	if err != nil || !v.GetValid() {
		t.Errorf("verification after the reform: %v, %v; want valid", v, err)
	}
}
