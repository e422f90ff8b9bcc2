package certificate_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// TestParchmentProofVerifiesWithThePublishedKeys: the QR proof of a
// certificate verifies with the keyring alone and asserts the number,
// holder, title, CCPs and issue date; a tampered or foreign proof does not.
func TestParchmentProofVerifiesWithThePublishedKeys(t *testing.T) {
	t.Parallel()
	s := newSigner(t)
	c := sample()
	proof, err := s.SignProof(c)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Keyring().VerifyProof(proof)
	if err != nil {
		t.Fatalf("VerifyProof: %v", err)
	}
	want := certificate.Proof{Format: certificate.ProofFormat, Number: "TP-2026-ABCD-EFGH-X", Kind: "TITRE",
		Holder: "Martin Anne Marie (nom d'usage : Dupont)", BirthDate: "1990-05-17", Title: "TP-00495", Level: 5,
		Ccps: []string{"CCP1", "CCP2"}, IssueDate: "2026-06-03", KeyID: s.KeyID()}
	if got := p; got.Number != want.Number || got.Holder != want.Holder || got.Title != want.Title ||
		strings.Join(got.Ccps, ",") != "CCP1,CCP2" || got.IssueDate != want.IssueDate || got.KeyID != want.KeyID ||
		got.Level != 5 || got.Kind != "TITRE" || got.BirthDate != want.BirthDate {
		t.Errorf("proof asserts %+v, want %+v", got, want)
	}
	again, _ := s.SignProof(c)
	if again != proof {
		t.Error("the same certificate gave two proofs: a duplicate would print another QR code")
	}

	url := certificate.VerificationURL("https://titrepro.example.fr/", c.Number, proof)
	if !strings.HasPrefix(url, "https://titrepro.example.fr/verifier/TP-2026-ABCD-EFGH-X#") {
		t.Errorf("URL %s", url)
	}
	if len(url) > 600 {
		t.Errorf("the QR URL is %d bytes, more than 600", len(url))
	}
	if got, err := certificate.ProofFromURL(url); err != nil || got != proof {
		t.Errorf("ProofFromURL = %q, %v", got, err)
	}

	payload, sig, _ := strings.Cut(proof, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "CCP1", "CCP9", 1))) + "." + sig
	other := newSigner(t)
	otherProof, _ := other.SignProof(c)
	for _, tc := range []struct {
		name, proof string
		want        error
	}{
		{"a CCP changed in the payload", forged, certificate.ErrBadSignature},
		{"signed by a key the authority never published", otherProof, certificate.ErrUnknownKey},
		{"no signature", payload, certificate.ErrMalformedProof},
		{"not base64", "!!." + sig, certificate.ErrMalformedProof},
		{"a certificate signature passed off as a proof", payload + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 10)), certificate.ErrMalformedProof},
	} {
		if _, err := s.Keyring().VerifyProof(tc.proof); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestParchmentProofDocsExample keeps the worked example of
// docs/signatures.md true (example key: seed of 32 bytes 0x07).
func TestParchmentProofDocsExample(t *testing.T) {
	t.Parallel()
	s := docsSigner(t)
	proof, err := s.SignProof(sample())
	if err != nil {
		t.Fatal(err)
	}
	payload, sig, _ := strings.Cut(proof, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	if string(raw) != docsProofPayload || sig != docsProofSignature {
		t.Errorf("docs/signatures.md proof example is stale:\npayload %s\nsignature %s", raw, sig)
	}
}

const (
	docsProofPayload   = `{"birth_date":"1990-05-17","ccps":["CCP1","CCP2"],"format":"titrepro-parchment-proof/1","holder":"Martin Anne Marie (nom d'usage : Dupont)","issue_date":"2026-06-03","key_id":"fe812c12f3ab4ce6","kind":"TITRE","level":5,"number":"TP-2026-ABCD-EFGH-X","title":"TP-00495"}`
	docsProofSignature = "5s59S5_Ui7AZ4nXTCqO3malm0pF4h9Ibs_f9mUuV6gtnoOUOwDrht_iLd_LO4iKWl0aGsvecMptteMKM_B0bBQ"
)

func docsSigner(t *testing.T) *certificate.Signer {
	t.Helper()
	s, err := certificate.NewSigner(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
