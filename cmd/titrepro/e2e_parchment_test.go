package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/pdfdoc/pdftext"
)

// TestEndToEndParchmentDownloadedAfterAward: after a jury awards the titre,
// the holder downloads the parchment through REST; it names the holder, the
// title and the number, its QR code opens the public verification page of
// the number, and the proof it carries verifies with the keys published at
// the well-known URL alone, as an offline verifier would (no titrepro
// code). A duplicate is marked; another candidate may not download it.
func TestEndToEndParchmentDownloadedAfterAward(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	s := startServer(t, cfg)
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	res, err := runFullSession(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	path := "/v1/certificates/" + res.certificate + "/parchment"
	r := s.call(t, "GET", path, w.tokens[asCandidate], nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET %s = HTTP %d, %s: %.300s", path, r.status, r.header.Get("Content-Type"), r.body)
	}
	text := pdftext.Extract(t, r.body)
	requireText(t, "the parchment", text, "Titre professionnel", "Délivré à", "Numéro : "+res.certificate, "TP-00495",
		"Certificats de compétences professionnelles", cfg.PublicURL+"/verifier/"+res.certificate)
	if strings.Contains(text, "DUPLICATA") {
		t.Error("the original is marked DUPLICATA")
	}

	url := pdftext.QRCode(t, r.body)
	prefix := cfg.PublicURL + "/verifier/" + res.certificate + "#"
	if !strings.HasPrefix(url, prefix) {
		t.Fatalf("the QR code holds %q; want %s…", url, prefix)
	}
	if page := s.call(t, "GET", strings.TrimPrefix(strings.TrimSuffix(prefix, "#"), cfg.PublicURL), "", nil); page.status != 200 {
		t.Errorf("the verification page the QR code opens = HTTP %d", page.status)
	}
	keys := s.call(t, "GET", "/.well-known/titrepro/certificate-keys.json", "", nil).body
	claims, ok := verifyProofOffline(t, keys, strings.TrimPrefix(url, prefix))
	if !ok || claims["number"] != res.certificate || claims["kind"] != "TITRE" || claims["title"] != "TP-00495" {
		t.Errorf("the QR proof verifies %v with the published keys, asserting %v", ok, claims)
	}
	proof := strings.TrimPrefix(url, prefix)
	payload, sig, _ := strings.Cut(proof, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	forged := base64.RawURLEncoding.EncodeToString(bytes.Replace(raw, []byte(`"kind":"TITRE"`), []byte(`"kind":"LIVRE"`), 1))
	if _, ok := verifyProofOffline(t, keys, forged+"."+sig); ok {
		t.Error("a tampered proof verifies")
	}

	// The same check by a verifier written from docs/signatures.md alone,
	// in JavaScript (testdata/verifier/verify.mjs).
	if node, err := exec.LookPath("node"); err == nil {
		dir := t.TempDir()
		keysFile := filepath.Join(dir, "keys.json")
		if err := os.WriteFile(keysFile, keys, 0o600); err != nil {
			t.Fatal(err)
		}
		script := filepath.Join("testdata", "verifier", "verify.mjs")
		if got := runVerifier(t, node, []string{script, "--proof", url, "--keys", keysFile}); !got["proof"].OK {
			t.Errorf("node did not verify the QR proof: %+v", got["proof"])
		}
		if got := runVerifier(t, node, []string{script, "--proof", prefix + forged + "." + sig, "--keys", keysFile}); got["proof"].OK ||
			got["proof"].Reason != "SIGNATURE_INVALID" {
			t.Errorf("node verified a tampered QR proof: %+v", got["proof"])
		}
	} else if os.Getenv("CI") == "true" {
		t.Fatal("node is not installed")
	}

	dup := pdfText(t, s, path+"?duplicate=true", w.tokens[asMinistry])
	requireText(t, "the duplicate", dup, "DUPLICATA délivré le", "Numéro : "+res.certificate)
	stranger := s.mustToken(t, "candidate", "someone-else", "")
	if got := s.call(t, "GET", path, stranger, nil); got.status != 403 {
		t.Errorf("another candidate downloads the parchment: HTTP %d", got.status)
	}
}

// verifyProofOffline checks a parchment proof as docs/signatures.md tells
// a third party to: the payload's key_id picks the key in the published
// JWK Set, and Ed25519 verifies the payload bytes as printed.
func verifyProofOffline(t *testing.T, jwks []byte, proof string) (map[string]any, bool) {
	t.Helper()
	var set struct {
		Keys []struct{ Kid, X string }
	}
	if err := json.Unmarshal(jwks, &set); err != nil {
		t.Fatal(err)
	}
	payloadB64, sigB64, _ := strings.Cut(proof, ".")
	payload, err1 := base64.RawURLEncoding.DecodeString(payloadB64)
	sig, err2 := base64.RawURLEncoding.DecodeString(sigB64)
	var claims map[string]any
	if err1 != nil || err2 != nil || json.Unmarshal(payload, &claims) != nil || claims["format"] != "titrepro-parchment-proof/1" {
		return claims, false
	}
	for _, k := range set.Keys {
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if k.Kid == claims["key_id"] && err == nil && len(x) == ed25519.PublicKeySize {
			return claims, ed25519.Verify(ed25519.PublicKey(x), payload, sig)
		}
	}
	return claims, false
}
