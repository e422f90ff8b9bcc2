package certificate_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"testing"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// TestDocsSignaturesCertificateExample keeps the worked example of
// docs/signatures.md true: with the example key (seed of 32 bytes 0x07),
// the key id, public key, signed bytes and signature printed there are the
// code's.
func TestDocsSignaturesCertificateExample(t *testing.T) {
	t.Parallel()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	s, err := certificate.NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	c := sample()
	if err := s.Sign(&c); err != nil {
		t.Fatal(err)
	}
	content, _ := c.Content()
	x := base64.RawURLEncoding.EncodeToString(s.PublicKey())
	sig := base64.StdEncoding.EncodeToString(c.Signature)
	if c.KeyID != docsKid || x != docsX || string(content) != docsContent || sig != docsSignature {
		t.Errorf("docs/signatures.md example is stale:\nkid %s\nx %s\ncontent %s\nsignature %s", c.KeyID, x, content, sig)
	}
}

const (
	docsKid       = "fe812c12f3ab4ce6"
	docsX         = "6kpsY-KcUgq-9VB7Ey7F-ZVHdq6-vnuSQh7qaRRG0iw"
	docsContent   = `{"by_capitalisation":true,"candidate_id":"cand-1","ccps":[{"code":"CCP1","jury_date":"2026-03-01","label":"Activité 1","session_id":"s1"},{"code":"CCP2","jury_date":"2026-06-01","label":"Activité 2","session_id":"s2"}],"format":"titrepro-certificate/2","holder":{"birth_commune":"Lyon","birth_country_code":"FR","birth_date":"1990-05-17","birth_name":"Martin","given_names":["Anne","Marie"],"usage_name":"Dupont"},"issue_date":"2026-06-03","jury_date":"2026-06-01","key_id":"fe812c12f3ab4ce6","kind":"TITRE","number":"TP-2026-ABCD-EFGH-X","session_id":"s2","title":{"id":"TP-00495","label":"Technicien <supérieur> & co","level":5,"version":"2008"}}`
	docsSignature = "RSmoGaiBdlEpDbwcRlWiI2qi4S89ds0UDEAWtdvA76tGkA+0sHlAdUQ3ZqP+RRdWbuyemiCapuz6BhP4QUDBDQ=="
)
