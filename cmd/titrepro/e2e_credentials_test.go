package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// vcResult is the Node verifier's verdict on one credential
// (tools/vc-verifier/verify.mjs).
type vcResult struct {
	File        string   `json:"file"`
	OK          bool     `json:"ok"`
	Reason      string   `json:"reason"`
	Detail      string   `json:"detail"`
	ID          string   `json:"id"`
	Kid         string   `json:"kid"`
	Issuer      string   `json:"issuer"`
	SchemaValid bool     `json:"schemaValid"`
	Revoked     bool     `json:"revoked"`
	ListBits    int      `json:"statusListBits"`
	SetBits     int      `json:"statusListSetBits"`
	Evidence    []string `json:"evidence"`
	Alignment   []string `json:"alignment"`
}

// TestCredentialsVerifiedInNode: after a full session the holder downloads
// the verifiable credentials of their titre through REST (the titre's and
// one per CCP, the same bytes at each download), and an independent
// verifier in Node.js (jose for the JWS with the key of the did:web
// document fetched over HTTP, ajv with 1EdTech's Open Badges 3.0 schema,
// the Bitstring Status List read by hand) verifies each; a tampered one
// fails. Then a correction of the validated minutes revokes the titre: the
// same credentials verify as revoked through the status list, none is
// issued any more for the revoked titre, and the livret the correction
// issues gives credentials that verify.
func TestCredentialsVerifiedInNode(t *testing.T) {
	node, verifier, ok := vcVerifierTool(t)
	if !ok {
		t.Skip("node is not installed")
	}

	cfg := testConfig(t, t.TempDir())
	s := startServer(t, cfg)
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	codes := w.ccpCodes()
	last := codes[len(codes)-1]
	r, v1 := minutesSession(ctx, t, w, nil)
	resultVersion(ctx, t, w, r.sessionID, 1)
	if err := w.validate(ctx, r.sessionID, v1.GetContentHash()); err != nil {
		t.Fatal(err)
	}
	certs, err := w.certificates(ctx, r.candidateID, 1)
	if err != nil {
		t.Fatal(err)
	}
	titre := certs[0].GetNumber()

	// The holder's credentials: the titre's first, then one per CCP.
	list := listCredentials(ctx, t, w, titre)
	if len(list) != len(codes)+1 || list[0].GetKind() != certificationv1.CredentialKind_CREDENTIAL_KIND_TITRE {
		t.Fatalf("credentials of the titre = %v; want the titre's and %d CCPs'", list, len(codes))
	}
	for n, code := range codes {
		if c := list[n+1]; c.GetKind() != certificationv1.CredentialKind_CREDENTIAL_KIND_CCP || c.GetCcpCode() != code ||
			c.GetId() != cfg.PublicURL+"/v1/certificates/"+titre+"/credentials/"+code {
			t.Errorf("credential %d = %v; want CCP %s", n+1, c, code)
		}
	}
	if again := listCredentials(ctx, t, w, titre); again[0].GetJws() != list[0].GetJws() {
		t.Error("two downloads of the same credential differ")
	}
	// One credential as a file.
	path := "/v1/certificates/" + titre + "/credentials/titre"
	file := s.call(t, "GET", path, w.tokens[asCandidate], nil)
	if file.status != 200 || file.header.Get("Content-Type") != "application/vc+jwt" || string(file.body) != list[0].GetJws() ||
		!strings.Contains(file.header.Get("Content-Disposition"), titre+"-titre.jwt") {
		t.Fatalf("GET %s = HTTP %d %s %q: %.200s", path, file.status, file.header.Get("Content-Type"),
			file.header.Get("Content-Disposition"), file.body)
	}
	if got := s.call(t, "GET", "/v1/certificates/"+titre+"/credentials/CCP99", w.tokens[asCandidate], nil); got.status != 404 {
		t.Errorf("an unknown credential = HTTP %d", got.status)
	}
	if got := s.call(t, "GET", path, w.tokens[asMinistry], nil); got.status != 200 {
		t.Errorf("the ministry downloads a credential: HTTP %d", got.status)
	}
	stranger := s.mustToken(t, "candidate", "someone-else", "")
	for who, token := range map[string]string{"another candidate": stranger, "the centre": w.tokens[asCentre], "a juror": w.tokens[asJuror1]} {
		if got := s.call(t, "GET", path, token, nil); got.status != 403 {
			t.Errorf("%s downloads the credential: HTTP %d", who, got.status)
		}
	}
	// The public documents, with no token.
	did := s.call(t, "GET", "/.well-known/did.json", "", nil)
	if did.status != 200 || !strings.Contains(did.header.Get("Content-Type"), "application/did+json") ||
		!bytes.Contains(did.body, []byte(`"assertionMethod"`)) {
		t.Fatalf("GET /.well-known/did.json = HTTP %d %s: %.300s", did.status, did.header.Get("Content-Type"), did.body)
	}
	status := s.call(t, "GET", "/v1/credentials/status/revocation", "", nil)
	if status.status != 200 || status.header.Get("Content-Type") != "application/vc+jwt" ||
		status.header.Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("GET the status list = HTTP %d %s %q", status.status, status.header.Get("Content-Type"), status.header.Get("Cache-Control"))
	}
	if got := s.call(t, "GET", "/v1/credentials/status/suspension", "", nil); got.status != 404 || strings.Contains(got.header.Get("Cache-Control"), "public") {
		t.Errorf("an unknown status list = HTTP %d, Cache-Control %q", got.status, got.header.Get("Cache-Control"))
	}

	// The independent verifier: every credential verifies, each linked to
	// the others; a tampered one does not.
	dir := t.TempDir()
	files := writeCredentials(t, dir, "titre", list)
	tampered := filepath.Join(dir, "tampered.jwt")
	if err := os.WriteFile(tampered, []byte(tamper(t, list[0].GetJws())), 0o600); err != nil {
		t.Fatal(err)
	}
	got := runVCVerifier(t, node, verifier, append(files, tampered)...)
	for n, res := range got[:len(files)] {
		if !res.OK || !res.SchemaValid || res.Revoked || res.ListBits != 131072 || res.ID != list[n].GetId() ||
			res.Issuer != "did:web:"+strings.ReplaceAll(strings.TrimPrefix(cfg.PublicURL, "http://"), ":", "%3A") {
			t.Errorf("node's verdict on %s: %+v", list[n].GetId(), res)
		}
	}
	for _, c := range list[1:] {
		if !slices.Contains(got[0].Evidence, c.GetId()) {
			t.Errorf("the titre's credential does not link %s: %v", c.GetId(), got[0].Evidence)
		}
	}
	if !slices.Contains(got[1].Evidence, list[0].GetId()) || !slices.Contains(got[1].Evidence, cfg.PublicURL+"/verifier/"+titre) {
		t.Errorf("a CCP's credential does not link its titre and certificate: %v", got[1].Evidence)
	}
	if res := got[len(files)]; res.OK || res.Reason != "SIGNATURE_INVALID" {
		t.Errorf("node's verdict on a tampered credential: %+v", res)
	}

	// A correction of the validated minutes revokes the titre.
	ret := returnMinutes(ctx, t, w, r.sessionID, v1.GetContentHash(), "Erreur matérielle : le dernier CCP n'a pas été évalué.", r.candidacyID)
	if !ret.GetReturn().GetAfterValidation() {
		t.Fatalf("returned after validation = %v", ret)
	}
	if err := w.evaluate(ctx, r.sessionID, r.candidacyID, codes, map[string]bool{last: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.deliberate(ctx, r.sessionID, r.candidacyID, codes, map[string]bool{last: true}); err != nil {
		t.Fatal(err)
	}
	v2, err := w.signMinutes(ctx, r.sessionID)
	if err != nil {
		t.Fatal(err)
	}
	resultVersion(ctx, t, w, r.sessionID, 2)
	if err := w.validate(ctx, r.sessionID, v2.GetContentHash()); err != nil {
		t.Fatal(err)
	}
	for n, res := range runVCVerifier(t, node, verifier, files...) {
		if res.OK || res.Reason != "REVOKED" || !res.Revoked || res.SetBits != 1 {
			t.Errorf("node's verdict on %s after the revocation: %+v", list[n].GetId(), res)
		}
	}
	if got := s.call(t, "GET", path, w.tokens[asCandidate], nil); got.status != 400 || !bytes.Contains(got.body, []byte("CERTIFICATE_NOT_IN_FORCE")) {
		t.Errorf("credentials of the revoked titre = HTTP %d %.200s", got.status, got.body)
	}
	// The livret of the corrected decision: one credential per CCP held.
	numbers, err := w.certificates(ctx, r.candidateID, 2)
	if err != nil {
		t.Fatal(err)
	}
	var livret string
	for _, c := range numbers {
		if c.GetNumber() != titre {
			livret = c.GetNumber()
		}
	}
	lc := listCredentials(ctx, t, w, livret)
	if len(lc) != len(codes)-1 {
		t.Fatalf("credentials of the livret = %v", lc)
	}
	for n, res := range runVCVerifier(t, node, verifier, writeCredentials(t, dir, "livret", lc)...) {
		if !res.OK || res.Revoked {
			t.Errorf("node's verdict on the livret's %s: %+v", lc[n].GetId(), res)
		}
	}
}

// vcVerifierTool returns node and the folder of the independent Node
// verifier (tools/vc-verifier), and false when node is missing outside CI;
// in CI a missing node, or packages not installed, fail t.
func vcVerifierTool(t *testing.T) (node, dir string, ok bool) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(root, "tools", "vc-verifier")
	node, err = exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node is not installed: %v", err)
		}
		return "", "", false
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "jose")); err != nil {
		t.Fatalf("the verifier's packages are not installed: run make tools/vc-verifier/node_modules (make test does): %v", err)
	}
	return node, dir, true
}

func listCredentials(ctx context.Context, t *testing.T, w *workflow, number string) []*certificationv1.VerifiableCredential {
	t.Helper()
	resp := &certificationv1.ListCertificateCredentialsResponse{}
	if err := w.call(ctx, asCandidate, "GET", "/v1/certificates/"+number+"/credentials", nil, resp); err != nil {
		t.Fatalf("credentials of %s: %v", number, err)
	}
	return resp.GetCredentials()
}

func writeCredentials(t *testing.T, dir, prefix string, list []*certificationv1.VerifiableCredential) []string {
	t.Helper()
	var files []string
	for n, c := range list {
		f := filepath.Join(dir, prefix+"-"+string(rune('a'+n))+".jwt")
		if err := os.WriteFile(f, []byte(c.GetJws()), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

// tamper changes the name of a credential and keeps its signature.
func tamper(t *testing.T, jws string) string {
	t.Helper()
	parts := strings.Split(jws, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(payload, &doc); err != nil {
		t.Fatal(err)
	}
	doc["name"] = "Titre professionnel — Pilote de ligne"
	forged, _ := json.Marshal(doc)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(forged) + "." + parts[2]
}

func runVCVerifier(t *testing.T, node, dir string, files ...string) []vcResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(node, append([]string{filepath.Join(dir, "verify.mjs"), "--did-scheme", "http"}, files...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("node: %v", err)
	}
	var out struct{ Results []vcResult }
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil || len(out.Results) != len(files) {
		t.Fatalf("node verifier: %v; stdout %q, stderr %s", err, stdout.String(), stderr.String())
	}
	return out.Results
}
