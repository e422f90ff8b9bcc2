package keyfile_test

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	signingkey "github.com/titrepro/titrepro/internal/keyfile"
	"github.com/titrepro/titrepro/services/certification/internal/adapters/keyfile"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// TestRotateKeepsOldCertificatesVerifiable: after a rotation the key file
// holds a new key, the retired file holds the old public key, and a
// certificate signed before the rotation verifies with the keyring the
// service builds from both; one signed after too. A second rotation keeps
// both earlier keys.
func TestRotateKeepsOldCertificatesVerifiable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyFile, retiredFile := filepath.Join(dir, "certificate-ed25519.pem"), filepath.Join(dir, "certificate-keys-retired.json")
	oldKey, _, err := signingkey.LoadOrCreate(keyFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	before := sign(t, oldKey, "TP-2026-ABCD-EFGH-X")

	r, err := keyfile.Rotate(keyFile, retiredFile)
	if err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	newKey, created, err := signingkey.LoadOrCreate(keyFile, nil)
	if err != nil || created || newKey.Equal(oldKey) {
		t.Fatalf("after Rotate the key file holds created=%v same=%v, %v; want a new existing key", created, newKey.Equal(oldKey), err)
	}
	if r.RetiredKeyID != before.KeyID || r.CurrentKeyID != certificate.KeyID(newKey.Public().(ed25519.PublicKey)) {
		t.Fatalf("Rotate() = %+v", r)
	}
	if kept, _, err := signingkey.LoadOrCreate(r.RetiredKeyFile, mustExist); err != nil || !kept.Equal(oldKey) {
		t.Fatalf("retired private key file %s: %v", r.RetiredKeyFile, err)
	}
	after := sign(t, newKey, "TP-2026-ABCD-EFGJ-0")

	ring := keyring(t, newKey, retiredFile)
	for _, c := range []certificate.Certificate{before, after} {
		if err := ring.Verify(c); err != nil {
			t.Fatalf("Verify(%s signed by %s) after rotation = %v", c.Number, c.KeyID, err)
		}
	}

	if _, err := keyfile.Rotate(keyFile, retiredFile); err != nil {
		t.Fatalf("second Rotate: %v", err)
	}
	third, _, _ := signingkey.LoadOrCreate(keyFile, nil)
	ring = keyring(t, third, retiredFile)
	if len(ring) != 3 || ring.Verify(before) != nil || ring.Verify(after) != nil {
		t.Fatalf("after two rotations: keyring of %d keys; want 3 verifying both certificates", len(ring))
	}
	if info, err := os.Stat(retiredFile); err != nil || info.Mode().Perm() != 0o644 {
		t.Fatalf("retired keys file: %v, %v", info, err)
	}
}

func TestRotateWithoutKeyFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := keyfile.Rotate(filepath.Join(dir, "missing.pem"), filepath.Join(dir, "retired.json")); err == nil {
		t.Fatal("Rotate(missing key) = nil error")
	}
}

// TestReadRetiredRefusesAnUntrustworthyFile: a key set that does not parse
// or names a key under another key's id stops the service.
func TestReadRetiredRefusesAnUntrustworthyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if keys, err := keyfile.ReadRetired(filepath.Join(dir, "none.json")); err != nil || len(keys) != 0 {
		t.Fatalf("ReadRetired(missing) = %v, %v; want none", keys, err)
	}
	for name, content := range map[string]string{
		"not JSON":     `{"keys":`,
		"not Ed25519":  `{"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","kid":"x"}]}`,
		"wrong key id": `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"` + strings.Repeat("A", 43) + `","kid":"0000000000000000"}]}`,
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := keyfile.ReadRetired(path); err == nil {
			t.Errorf("ReadRetired(%s) = nil error", name)
		}
	}
}

func sign(t *testing.T, key ed25519.PrivateKey, n certificate.Number) certificate.Certificate {
	t.Helper()
	s, err := certificate.NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	c := certificate.Certificate{Number: n, Kind: certificate.Titre, CandidateID: "cand-1", TitleCode: "TP-00495",
		TitleVersion: "2008", TitleLevel: 5, SessionID: "s1", JuryDate: "2026-06-01", IssueDate: "2026-06-03"}
	if err := s.Sign(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

func keyring(t *testing.T, current ed25519.PrivateKey, retiredFile string) certificate.Keyring {
	t.Helper()
	retired, err := keyfile.ReadRetired(retiredFile)
	if err != nil {
		t.Fatal(err)
	}
	return certificate.NewKeyring(append(retired, current.Public().(ed25519.PublicKey))...)
}

// mustExist refuses to create a key: the file read must already be there.
func mustExist() error { return errors.New("the key file must exist") }
