package certificate_test

import (
	"crypto/ed25519"
	"crypto/rand"
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

func TestContentIsCanonical(t *testing.T) {
	t.Parallel()
	c := sample()
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

func TestSignAndVerify(t *testing.T) {
	t.Parallel()
	signer := newSigner(t)
	keyring := signer.Keyring()
	signed := sample()
	if err := signer.Sign(&signed); err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if signed.KeyID != signer.KeyID() || len(signed.KeyID) != 16 || len(signed.Signature) != ed25519.SignatureSize {
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
