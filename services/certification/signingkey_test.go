package certification_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
)

// Once certificates were issued, a missing signing key is not recreated:
// the service refuses to start and says why, and starts again, with every
// certificate verifying, once the key is put back.
func TestMissingSigningKeyIsNotRecreatedOnceCertificatesExist(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	svc := e.start(t)
	ministry := e.as(t, "officer", auth.RoleMinistry)
	e.publishCandidate(t, "titrepro.candidate.v1.candidate_registered", registered("ev-bob", bob, "sub-bob", 1, "Durand"), "ev-bob", "ev-bob", bob)
	s1 := minutesSigned("s1-0198c0de", assessmentv1.SessionType_SESSION_TYPE_TITRE, "2026-03-01",
		minutesLine(bob, []string{"CCP1", "CCP2", "CCP3"}))
	last := e.publishMinutes(t, s1, "ev-s1", "ev-s1")
	e.waitConsumed(t, "TITREPRO_ASSESSMENT", "certification_results", last)
	v, err := svc.client.ValidateResult(t.Context(), &certificationv1.ValidateResultRequest{
		SessionId: s1.GetSessionId(), MinutesHash: s1.GetContentHash()}, ministry)
	if err != nil || len(v.GetCertificates()) != 1 {
		t.Fatalf("ValidateResult = %v, %v; want one certificate", v, err)
	}
	number := v.GetCertificates()[0].GetNumber()
	svc.stop()

	keyFile := filepath.Join(e.dataDir, "certificate-ed25519.pem")
	saved := filepath.Join(t.TempDir(), "saved.pem")
	if err := os.Rename(keyFile, saved); err != nil {
		t.Fatal(err)
	}
	_, err = e.newService(t, referentiels)
	if err == nil || !strings.Contains(err.Error(), "is missing, but 1 certificates were signed with it") {
		t.Fatalf("New without the key = %v; want a refusal naming the missing key and the certificates", err)
	}
	if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
		t.Fatalf("the refused start created a key file (%v)", err)
	}

	if err := os.Rename(saved, keyFile); err != nil {
		t.Fatal(err)
	}
	again := e.start(t)
	ver, err := again.client.VerifyCertificate(t.Context(), &certificationv1.VerifyCertificateRequest{Number: number})
	if err != nil || !ver.GetValid() || !ver.GetSignatureValid() {
		t.Fatalf("VerifyCertificate after the key came back = %v, %v; want valid", ver, err)
	}
}
