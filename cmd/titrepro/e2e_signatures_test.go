package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

// TestSignaturesVerifyOutsideGo runs a verifier written in JavaScript from
// docs/signatures.md alone (testdata/verifier/verify.mjs, Node's built-in
// crypto, no titrepro code) against a whole jury workflow: it recomputes the
// minutes' content hash from the MinutesSigned event taken from JetStream and
// from GET minutes, and verifies the certificate's Ed25519 signature with
// the key published at the well-known URL. A certificate changed by one
// letter must not verify. Without node the test is skipped, except under CI
// where it fails.
func TestSignaturesVerifyOutsideGo(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not installed: the cross-language verifier cannot run (CI needs Node.js)")
		}
		t.Skip("node is not installed")
	}
	cfg := testConfig(t, t.TempDir())
	s := startServer(t, cfg)
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	res, err := runFullSession(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}

	// The MinutesSigned event, as a consumer of the stream receives it,
	// handed over as protobuf JSON.
	var event *assessmentv1.MinutesSigned
	for _, m := range streamMessages(t, cfg, "TITREPRO_ASSESSMENT") {
		if m.Header.Get("ce-type") != "titrepro.assessment.v1.MinutesSigned" {
			continue
		}
		var ev assessmentv1.MinutesSigned
		if err := proto.Unmarshal(m.Data, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.GetSessionId() == res.sessionID {
			event = &ev
		}
	}
	if event == nil {
		t.Fatalf("no MinutesSigned event for session %s", res.sessionID)
	}
	eventJSON, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(event)
	if err != nil {
		t.Fatal(err)
	}
	ministry := s.mustToken(t, "ministry", "officer-verifier", "")
	get := func(path, token string) []byte {
		r := s.call(t, "GET", path, token, nil)
		if r.status != 200 {
			t.Fatalf("GET %s = HTTP %d: %s", path, r.status, r.body)
		}
		return r.body
	}
	keysResp := s.call(t, "GET", "/.well-known/titrepro/certificate-keys.json", "", nil)
	if keysResp.status != 200 || keysResp.header.Get("Cache-Control") == "" {
		t.Fatalf("GET well-known keys = HTTP %d (Cache-Control %q): %s", keysResp.status, keysResp.header.Get("Cache-Control"), keysResp.body)
	}
	if v1 := get("/v1/certificate-keys", ""); !bytes.Equal(v1, keysResp.body) {
		t.Fatalf("the well-known key set differs from GET /v1/certificate-keys:\n%s\n%s", keysResp.body, v1)
	}
	certJSON := get("/v1/certificates/"+res.certificate, ministry)
	args := []string{filepath.Join("testdata", "verifier", "verify.mjs"),
		"--event", write("event.json", eventJSON),
		"--minutes", write("minutes.json", get("/v1/sessions/"+res.sessionID+"/minutes", ministry)),
		"--certificate", write("certificate.json", certJSON),
		"--keys", write("keys.json", keysResp.body)}

	got := runVerifier(t, node, args)
	t.Logf("node verdicts: %+v", got)
	for _, part := range []string{"event", "minutes"} {
		if got[part].Computed != event.GetContentHash() || !got[part].OK {
			t.Errorf("node recomputed the minutes hash from the %s as %s; want %s", part, got[part].Computed, event.GetContentHash())
		}
	}
	if !got["certificate"].OK || got["certificate"].Kid == "" {
		t.Errorf("node did not verify certificate %s: %+v", res.certificate, got["certificate"])
	}

	// One letter changed in the certificate: node must refuse it.
	var cert map[string]any
	if err := json.Unmarshal(certJSON, &cert); err != nil {
		t.Fatal(err)
	}
	holder := cert["certificate"].(map[string]any)["holder"].(map[string]any)
	holder["birth_name"] = holder["birth_name"].(string) + "e"
	tampered, _ := json.Marshal(cert)
	args[6] = write("tampered.json", tampered)
	if got := runVerifier(t, node, args); got["certificate"].OK || got["certificate"].Reason != "SIGNATURE_INVALID" {
		t.Errorf("node verified a tampered certificate: %+v", got["certificate"])
	}

	// The operator rotates the signing key (`titrepro certificate-key
	// rotate`) and restarts: the certificate signed before still verifies,
	// on the server and offline with the newly published key set, which
	// holds the retired key and the new one.
	s.stop()
	var out bytes.Buffer
	if err := certificateKey(cfg, []string{"rotate"}, &out); err != nil {
		t.Fatalf("certificate-key rotate: %v", err)
	}
	s = startServer(t, cfg)
	verified := s.expect(t, 200, "GET", "/v1/certificates/"+res.certificate+":verify", "", nil)
	if verified["valid"] != true || verified["key_id"] != got["certificate"].Kid {
		t.Fatalf("after rotation, verify %s = %v; want valid with key %s", res.certificate, verified, got["certificate"].Kid)
	}
	rotated := get("/.well-known/titrepro/certificate-keys.json", "")
	var set struct {
		Keys []struct{ Kid, Status string } `json:"keys"`
	}
	if err := json.Unmarshal(rotated, &set); err != nil || len(set.Keys) != 2 {
		t.Fatalf("key set after rotation = %s, %v; want two keys", rotated, err)
	}
	args[6] = write("certificate.json", certJSON)
	args[8] = write("keys-rotated.json", rotated)
	if got := runVerifier(t, node, args); !got["certificate"].OK {
		t.Errorf("node, with the key set after rotation, does not verify the certificate signed before: %+v", got["certificate"])
	}
}

type verdict struct {
	Computed string `json:"computed"`
	OK       bool   `json:"ok"`
	Kid      string `json:"kid"`
	Reason   string `json:"reason"`
}

// runVerifier runs the node verifier and decodes its verdicts; a non-zero
// exit (some check failed) is not an error here, the verdicts say which.
func runVerifier(t *testing.T, node string, args []string) map[string]verdict {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(node, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("node: %v", err)
	}
	var out map[string]verdict
	if jerr := json.Unmarshal(stdout.Bytes(), &out); jerr != nil {
		t.Fatalf("node verifier: %v; stdout %q, stderr %s", jerr, stdout.String(), stderr.String())
	}
	return out
}
