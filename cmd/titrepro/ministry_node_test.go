package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/titrepro/titrepro/gateway"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/natsauth"
)

// TestMinistryConsumerInNode runs the Node.js example of a ministry system
// (examples/ministry-consumer-node, docs/consumers.md) against the
// all-in-one server: with the ministry's seed and the descriptor set the
// gateway serves, it reads the certification stream through the ministry's
// durable consumer and applies the TitleAwarded of a full session once,
// including when the whole stream is delivered again.
func TestMinistryConsumerInNode(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	example := filepath.Join(root, "examples", "ministry-consumer-node")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed (Node.js 20; .ci/run installs it): %v", err)
	}
	if _, err := os.Stat(filepath.Join(example, "node_modules", "nats")); err != nil {
		t.Fatalf("the example's packages are not installed: run make examples/ministry-consumer-node/node_modules (make test does): %v", err)
	}

	cfg := testConfig(t, t.TempDir())
	s := startServer(t, cfg)
	ctx := context.Background()
	res, err := runFullSession(ctx, newTestWorkflow(t, s))
	if err != nil {
		t.Fatal(err)
	}

	// Wait until the award is on the stream (the outbox relay publishes it
	// after the validation's commit), with the operator's identity.
	admin := busConnect(t, cfg, natsauth.Admin)
	t.Cleanup(admin.Close)
	js, err := jetstream.New(admin)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.Stream(ctx, "TITREPRO_CERTIFICATION")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "TitleAwarded on the certification stream", func() bool {
		_, err := stream.GetLastMsgForSubject(ctx, "titrepro.certification.v1.title_awarded")
		return err == nil
	})
	// The titre is then withdrawn after a fraud (R59): the consumer learns
	// it from CertificateWithdrawn.
	officer := s.mustToken(t, "ministry", "dreets-"+randomSuffix(), "")
	if r := s.call(t, "POST", "/v1/certificates/"+res.certificate+":withdraw", officer, map[string]any{
		"motivation": "Fraude établie lors de la mise en situation professionnelle.", "decision_reference": "Arrêté 2026-042",
		"decided_on": civildate.Of(time.Now()).String()}); r.status != 200 {
		t.Fatalf("withdraw: %d %s", r.status, r.body)
	}
	eventually(t, "CertificateWithdrawn on the certification stream", func() bool {
		_, err := stream.GetLastMsgForSubject(ctx, "titrepro.certification.v1.certificate_withdrawn")
		return err == nil
	})

	var seed bytes.Buffer
	if err := natsCredentials(cfg, []string{natsauth.Ministry, "--seed"}, &seed); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	seedFile := filepath.Join(dir, "ministry.nk")
	if err := os.WriteFile(seedFile, seed.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	stateFile := filepath.Join(dir, "applied-events.json")
	run := func(t *testing.T) string {
		t.Helper()
		runCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(runCtx, node, "consumer.mjs")
		cmd.Dir = example
		cmd.Env = append(os.Environ(),
			"NATS_URL=nats://"+cfg.NATSAddr,
			"NATS_NKEY_SEED_FILE="+seedFile,
			"TITREPRO_DESCRIPTORS="+s.base+gateway.EventDescriptorsPath,
			"STATE_FILE="+stateFile,
			"DRAIN=1",
		)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("node consumer.mjs: %v\n%s", err, out)
		}
		t.Logf("node consumer.mjs:\n%s", out)
		return string(out)
	}
	appliedTitle := regexp.MustCompile(`(?m)^applied titrepro\.certification\.v1\.TitleAwarded \S+: titre ` + regexp.QuoteMeta(res.certificate) + ` `)
	skippedTitle := regexp.MustCompile(`(?m)^already applied titrepro\.certification\.v1\.TitleAwarded `)

	first := run(t)
	if n := len(appliedTitle.FindAllString(first, -1)); n != 1 {
		t.Fatalf("first run applied the titre %s %d times:\n%s", res.certificate, n, first)
	}
	if !strings.Contains(first, "applied titrepro.certification.v1.CcpAwarded") {
		t.Errorf("first run applied no CcpAwarded:\n%s", first)
	}
	if !regexp.MustCompile(`(?m)^applied titrepro\.certification\.v1\.CertificateWithdrawn \S+: withdrawn ` + regexp.QuoteMeta(res.certificate) + ` \(FRAUD, `).MatchString(first) {
		t.Errorf("first run did not apply the withdrawal of %s:\n%s", res.certificate, first)
	}

	// Nothing new: the durable consumer has acknowledged everything.
	if again := run(t); !strings.Contains(again, "done: 0 applied, 0 already applied") {
		t.Errorf("second run, nothing new:\n%s", again)
	}

	// Every event delivered again: the ministry deletes its durable (its
	// permissions allow it) and the example creates it anew from the
	// first event. Each is acknowledged, none applied twice.
	if err := js.DeleteConsumer(ctx, "TITREPRO_CERTIFICATION", natsauth.MinistryDurable); err != nil {
		t.Fatal(err)
	}
	redelivered := run(t)
	if regexp.MustCompile(`(?m)^applied `).MatchString(redelivered) || !strings.Contains(redelivered, "done: 0 applied") {
		t.Errorf("redelivery applied an event again:\n%s", redelivered)
	}
	if n := len(skippedTitle.FindAllString(redelivered, -1)); n != 1 {
		t.Errorf("redelivery saw the TitleAwarded %d times, want 1:\n%s", n, redelivered)
	}

	raw, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Applied map[string]struct{ Type string } `json:"applied"`
		Titles  map[string]struct {
			CandidateID string `json:"candidateId"`
			Status      string `json:"status"`
		} `json:"titles"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	var titles int
	for _, a := range state.Applied {
		if a.Type == "titrepro.certification.v1.TitleAwarded" {
			titles++
		}
	}
	if state.Titles[res.certificate].Status != "WITHDRAWN" {
		t.Errorf("state file: the titre's status is %q; want WITHDRAWN", state.Titles[res.certificate].Status)
	}
	if titles != 1 || len(state.Titles) != 1 || state.Titles[res.certificate].CandidateID != res.candidateID {
		t.Errorf("state file: %d TitleAwarded applied, titles %+v; want the titre %s of %s once", titles, state.Titles, res.certificate, res.candidateID)
	}
}
