package certificate_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

func sample() certificate.Certificate {
	return certificate.Certificate{
		Number: "TP-2026-ABCD-EFGH-X", Kind: certificate.Titre, CandidateID: "cand-1",
		Holder: certificate.Holder{BirthName: "Martin", UsageName: "Dupont", GivenNames: []string{"Anne", "Marie"},
			BirthDate: "1990-05-17", BirthCommune: "Lyon", BirthCountryCode: "FR"},
		TitleCode: "TP-00495", TitleVersion: "2008", TitleLabel: "Technicien <supérieur> & co", TitleLevel: 5,
		Ccps: []certificate.Ccp{
			{Code: "CCP1", Label: "Activité 1", SessionID: "s1", JuryDate: "2026-03-01"},
			{Code: "CCP2", Label: "Activité 2", SessionID: "s2", JuryDate: "2026-06-01"},
		},
		ByCapitalisation: true, SessionID: "s2", JuryDate: "2026-06-01", IssueDate: "2026-06-03",
		IssuedAt: time.Date(2026, 6, 3, 8, 0, 0, 0, time.UTC), Status: certificate.Issued,
	}
}

func newSigner(t *testing.T) *certificate.Signer {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	s, err := certificate.NewSigner(key)
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	return s
}

// TestContentV1IsUnchanged pins the bytes of the first format, which
// certificates issued before RFC 8785 were signed over: they must verify
// for as long as the certificates exist.
func TestContentV1IsUnchanged(t *testing.T) {
	t.Parallel()
	c := sample()
	c.Format = certificate.FormatV1
	c.KeyID = "0123456789abcdef"
	got, err := c.Content()
	if err != nil {
		t.Fatalf("Content: %v", err)
	}
	want := `{"by_capitalisation":true,"candidate_id":"cand-1",` +
		`"ccps":[{"code":"CCP1","jury_date":"2026-03-01","label":"Activité 1","session_id":"s1"},` +
		`{"code":"CCP2","jury_date":"2026-06-01","label":"Activité 2","session_id":"s2"}],` +
		`"format":"titrepro-certificate/1",` +
		`"holder":{"birth_commune":"Lyon","birth_country_code":"FR","birth_date":"1990-05-17",` +
		`"birth_name":"Martin","given_names":["Anne","Marie"],"usage_name":"Dupont"},` +
		`"issue_date":"2026-06-03","jury_date":"2026-06-01","key_id":"0123456789abcdef","kind":"TITRE",` +
		`"number":"TP-2026-ABCD-EFGH-X","session_id":"s2",` +
		`"title":{"id":"TP-00495","label":"Technicien <supérieur> & co","level":5,"version":"2008"}}`
	if string(got) != want {
		t.Fatalf("Content() =\n%s\nwant\n%s", got, want)
	}
	c.Holder.GivenNames = nil
	if got, _ := c.Content(); !strings.Contains(string(got), `"given_names":[]`) {
		t.Fatalf("Content() without given names = %s; want given_names []", got)
	}
}

// TestContentV2IsRFC8785 checks the current format against the RFC 8785
// rules where Go's encoding/json differs: U+2028 is not escaped, a
// backspace is "\b", members sort by UTF-16 code units.
func TestContentV2IsRFC8785(t *testing.T) {
	t.Parallel()
	c := sample()
	c.Format = certificate.FormatV2
	c.KeyID = "0123456789abcdef"
	c.Holder.BirthCommune = "Saint-\u2028\b😀"
	got, err := c.Content()
	if err != nil {
		t.Fatalf("Content: %v", err)
	}
	want := `{"by_capitalisation":true,"candidate_id":"cand-1",` +
		`"ccps":[{"code":"CCP1","jury_date":"2026-03-01","label":"Activité 1","session_id":"s1"},` +
		`{"code":"CCP2","jury_date":"2026-06-01","label":"Activité 2","session_id":"s2"}],` +
		`"format":"titrepro-certificate/2",` +
		`"holder":{"birth_commune":"Saint-` + "\u2028" + `\b` + "😀" + `","birth_country_code":"FR","birth_date":"1990-05-17",` +
		`"birth_name":"Martin","given_names":["Anne","Marie"],"usage_name":"Dupont"},` +
		`"issue_date":"2026-06-03","jury_date":"2026-06-01","key_id":"0123456789abcdef","kind":"TITRE",` +
		`"number":"TP-2026-ABCD-EFGH-X","session_id":"s2",` +
		`"title":{"id":"TP-00495","label":"Technicien <supérieur> & co","level":5,"version":"2008"}}`
	if string(got) != want {
		t.Fatalf("Content() =\n%s\nwant\n%s", got, want)
	}
	c.Format = "titrepro-certificate/9"
	if _, err := c.Content(); !errors.Is(err, certificate.ErrUnknownFormat) {
		t.Fatalf("Content() in an unknown format = %v; want ErrUnknownFormat", err)
	}
}

// TestV1CertificateStillVerifies: a certificate signed over the first
// format (golden signature, made by the first release's code with a fixed
// key) verifies with the current code, and changing its format to the
// current one breaks it (the format is signed).
func TestV1CertificateStillVerifies(t *testing.T) {
	t.Parallel()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	c := sample()
	c.Format = certificate.FormatV1
	c.KeyID = certificate.KeyID(key.Public().(ed25519.PublicKey))
	c.Signature, _ = hex.DecodeString(goldenV1Signature)
	ring := certificate.NewKeyring(key.Public().(ed25519.PublicKey))
	if err := ring.Verify(c); err != nil {
		t.Fatalf("Verify(v1 certificate) = %v; want nil", err)
	}
	c.Format = certificate.FormatV2
	if err := ring.Verify(c); !errors.Is(err, certificate.ErrBadSignature) {
		t.Fatalf("Verify(v1 signature relabelled v2) = %v; want ErrBadSignature", err)
	}
	c.Format = "titrepro-certificate/9"
	if err := ring.Verify(c); !errors.Is(err, certificate.ErrBadSignature) {
		t.Fatalf("Verify(unknown format) = %v; want ErrBadSignature", err)
	}
}

const goldenV1Signature = "cf41f83462ebe9992c4833f112e70b58f4c0260c657927c67eadb10284b5c8cace37b8b611c59666d2ca16f24bb7d1d8ff0ef88e6fca4be5c6b74cb5f2d50a00"

func TestSignAndVerify(t *testing.T) {
	t.Parallel()
	signer := newSigner(t)
	keyring := signer.Keyring()
	signed := sample()
	if err := signer.Sign(&signed); err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if signed.Format != certificate.CurrentFormat || signed.KeyID != signer.KeyID() || len(signed.KeyID) != 16 || len(signed.Signature) != ed25519.SignatureSize {
		t.Fatalf("signed key id %q, signature %d bytes", signed.KeyID, len(signed.Signature))
	}

	tests := []struct {
		name   string
		tamper func(c *certificate.Certificate)
		want   error
	}{
		{"untouched certificate verifies", func(*certificate.Certificate) {}, nil},
		{"status is outside the signature", func(c *certificate.Certificate) { c.Status = "WITHDRAWN" }, nil},
		{"birth name changed", func(c *certificate.Certificate) { c.Holder.BirthName = "Martine" }, certificate.ErrBadSignature},
		{"CCP added", func(c *certificate.Certificate) {
			c.Ccps = append(c.Ccps, certificate.Ccp{Code: "CCP3", Label: "x", SessionID: "s2", JuryDate: "2026-06-01"})
		}, certificate.ErrBadSignature},
		{"kind changed", func(c *certificate.Certificate) { c.Kind = certificate.Livret }, certificate.ErrBadSignature},
		{"capitalisation flag changed", func(c *certificate.Certificate) { c.ByCapitalisation = false }, certificate.ErrBadSignature},
		{"level changed", func(c *certificate.Certificate) { c.TitleLevel = 6 }, certificate.ErrBadSignature},
		{"one signature byte flipped", func(c *certificate.Certificate) {
			c.Signature = append([]byte(nil), c.Signature...)
			c.Signature[0] ^= 1
		}, certificate.ErrBadSignature},
		{"another key's id", func(c *certificate.Certificate) { c.KeyID = "ffffffffffffffff" }, certificate.ErrUnknownKey},
		{"format relabelled", func(c *certificate.Certificate) { c.Format = certificate.FormatV1 }, certificate.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := signed
			c.Ccps = append([]certificate.Ccp(nil), signed.Ccps...)
			tt.tamper(&c)
			if err := keyring.Verify(c); !errors.Is(err, tt.want) {
				t.Fatalf("Verify() = %v; want %v", err, tt.want)
			}
		})
	}
	if err := newSigner(t).Keyring().Verify(signed); !errors.Is(err, certificate.ErrUnknownKey) {
		t.Fatalf("Verify with another authority's keyring = %v; want ErrUnknownKey", err)
	}
}

func TestNewSignerRefusesABadKey(t *testing.T) {
	t.Parallel()
	if _, err := certificate.NewSigner(ed25519.PrivateKey("short")); err == nil {
		t.Fatal("NewSigner(short key) = nil error")
	}
}
