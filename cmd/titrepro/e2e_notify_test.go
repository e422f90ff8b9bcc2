package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/mail/smtptest"
)

// TestEndToEndNotifications runs a whole session on the all-in-one server
// configured to send through a real SMTP server started by the test: the
// candidacy's registration produces exactly one convocation, the
// validation of the minutes one results message (none before), and a
// restart sends nothing again.
func TestEndToEndNotifications(t *testing.T) {
	srv := smtptest.Start(t)
	cfg := testConfigEnv(t, t.TempDir(), map[string]string{
		"TITREPRO_SMTP_HOST": srv.Host(), "TITREPRO_SMTP_PORT": strconv.Itoa(srv.Port()), "TITREPRO_SMTP_TLS": "none",
		"TITREPRO_SMTP_FROM": "Titre professionnel <ne-pas-repondre@example.gouv.fr>",
	})
	s := startServer(t, cfg)
	ctx := context.Background()
	w := newTestWorkflow(t, s)

	candidateID, err := w.registerCandidate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sessionID, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	if err != nil {
		t.Fatal(err)
	}
	candidacyID, err := w.registerCandidacy(ctx, sessionID, candidateID, nil)
	if err != nil {
		t.Fatal(err)
	}
	const candidate = "camille.durand@example.org"
	conv := waitMail(t, srv, func(all []smtptest.Received) bool { return len(to(all, candidate)) == 1 })
	if c := to(conv, candidate)[0]; !strings.HasPrefix(c.Subject, "Convocation – titre professionnel") ||
		!strings.Contains(c.Text, "Bonjour Camille Durand,") || !strings.Contains(c.Text, "Centre organisateur : "+w.centreID) ||
		!strings.Contains(c.Text, "Lieu : AFPA Lyon Vénissieux") {
		t.Fatalf("convocation = %q to %v:\n%s", c.Subject, c.To, c.Text)
	}
	// Each juror of the jury, whose address the juror register gives, is
	// convened once too.
	jurors := waitMail(t, srv, func(all []smtptest.Received) bool { return len(all) == 3 })
	for _, m := range jurors {
		if m.To[0] != candidate && !strings.HasPrefix(m.Subject, "Convocation du jury") {
			t.Errorf("juror message %q to %v", m.Subject, m.To)
		}
	}

	// The session runs to its validated minutes: the results come after
	// the validation, once.
	r := sessionResult{candidateID: candidateID, sessionID: sessionID, candidacyID: candidacyID}
	if err := w.dossierFor(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := w.open(ctx, sessionID); err != nil {
		t.Fatal(err)
	}
	scope := w.ccpCodes()
	if err := w.evaluate(ctx, sessionID, candidacyID, scope, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.deliberate(ctx, sessionID, candidacyID, scope, nil); err != nil {
		t.Fatal(err)
	}
	minutes, err := w.signMinutes(ctx, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // MinutesSigned reaches the candidate service: still nothing to tell (R51)
	if n := len(to(srv.Messages(), candidate)); n != 1 {
		t.Fatalf("%d messages to the candidate before the validation, want only the convocation", n)
	}
	if err := w.validate(ctx, sessionID, minutes.GetContentHash()); err != nil {
		t.Fatal(err)
	}
	res := to(waitMail(t, srv, func(all []smtptest.Received) bool { return len(to(all, candidate)) == 2 }), candidate)[1]
	if !strings.HasPrefix(res.Subject, "Vos résultats") || !strings.Contains(res.Text, "Vous avez obtenu le titre professionnel") {
		t.Fatalf("results = %q:\n%s", res.Subject, res.Text)
	}
	for _, code := range scope {
		if !strings.Contains(res.Text, code+" – ") {
			t.Errorf("results without %s:\n%s", code, res.Text)
		}
	}

	// A restart replays nothing: every event is in the inbox, every
	// message marked sent.
	s.stop()
	startServer(t, cfg)
	time.Sleep(2 * time.Second)
	for id, n := range srv.CountByID() {
		if n != 1 {
			t.Errorf("Message-ID %s sent %d times", id, n)
		}
	}
	if n := len(srv.Messages()); n != 4 {
		t.Fatalf("%d messages after the restart, want 4 (two jurors' convocations, the candidate's and the results)", n)
	}
}

// to returns the messages addressed to addr.
func to(all []smtptest.Received, addr string) []smtptest.Received {
	var out []smtptest.Received
	for _, m := range all {
		if len(m.To) > 0 && m.To[0] == addr {
			out = append(out, m)
		}
	}
	return out
}

// waitMail waits until the messages the SMTP server received satisfy
// done, and returns them.
func waitMail(t *testing.T, srv *smtptest.Server, done func([]smtptest.Received) bool) []smtptest.Received {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		all := srv.Messages()
		if done(all) {
			return all
		}
		if time.Now().After(deadline) {
			t.Fatalf("the SMTP server received %d messages, not the ones expected", len(all))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestEndToEndNotificationsWithoutSMTP: with no SMTP server configured the
// all-in-one writes each message as an .eml file in <data>/mail/outgoing.
func TestEndToEndNotificationsWithoutSMTP(t *testing.T) {
	dataDir := t.TempDir()
	cfg := testConfig(t, dataDir)
	s := startServer(t, cfg)
	if !strings.Contains(s.output.String(), filepath.Join(dataDir, "mail", "outgoing")) {
		t.Errorf("the banner does not say where messages go:\n%s", s.output.String())
	}
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	candidateID, err := w.registerCandidate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sessionID, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.registerCandidacy(ctx, sessionID, candidateID, nil); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(dataDir, "mail", "outgoing")
	deadline := time.Now().Add(30 * time.Second)
	for {
		entries, _ := os.ReadDir(dir)
		var eml, toCandidate []string
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".eml") || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			eml = append(eml, e.Name())
			raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			m, err := smtptest.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(m.Subject, "Convocation") {
				t.Fatalf("pickup file %s: %q to %q", e.Name(), m.Subject, m.Header.Get("To"))
			}
			if strings.Contains(m.Header.Get("To"), "camille.durand@example.org") {
				toCandidate = append(toCandidate, e.Name())
			}
		}
		// The candidate's convocation and the two jurors'.
		if len(toCandidate) == 1 && len(eml) == 3 {
			return
		}
		if len(toCandidate) > 1 || len(eml) > 3 || time.Now().After(deadline) {
			t.Fatalf("pickup folder holds %v (to the candidate: %v), want three convocations, one to the candidate", eml, toCandidate)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestMailCommandResendsFailedMessages: the SMTP server refuses a
// convocation for good (5xx); `titrepro mail status` shows it failed with
// the server's answer, and `titrepro mail resend --failed` sends it once the
// server accepts again — through the running server's relay.
func TestMailCommandResendsFailedMessages(t *testing.T) {
	srv := smtptest.Start(t)
	cfg := testConfigEnv(t, t.TempDir(), map[string]string{
		"TITREPRO_SMTP_HOST": srv.Host(), "TITREPRO_SMTP_PORT": strconv.Itoa(srv.Port()), "TITREPRO_SMTP_TLS": "none",
		"TITREPRO_SMTP_FROM": "Titre professionnel <ne-pas-repondre@example.gouv.fr>",
	})
	s := startServer(t, cfg)
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	candidateID, err := w.registerCandidate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sessionID, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The jurors' convocations go first; the SMTP server then refuses the
	// candidate's for good.
	srv.WaitFor(t, 2, 30*time.Second)
	srv.Refuse(1, 550)
	if _, err := w.registerCandidacy(ctx, sessionID, candidateID, nil); err != nil {
		t.Fatal(err)
	}
	var status strings.Builder
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(status.String(), "failed 1\n") {
		if time.Now().After(deadline) {
			t.Fatalf("mail status never showed the failure:\n%s", status.String())
		}
		time.Sleep(50 * time.Millisecond)
		status.Reset()
		if err := mailCommand(ctx, cfg, []string{"status"}, &status); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(status.String(), "candidate_convocation to camille.durand@example.org, 1 attempts") ||
		!strings.Contains(status.String(), "550") {
		t.Fatalf("mail status:\n%s", status.String())
	}
	var out strings.Builder
	if err := mailCommand(ctx, cfg, []string{"resend", "--failed"}, &out); err != nil || out.String() != "1 messages to send again\n" {
		t.Fatalf("mail resend --failed: %v, %q", err, out.String())
	}
	got := to(srv.WaitFor(t, 3, 30*time.Second), "camille.durand@example.org")
	if len(got) != 1 || !strings.HasPrefix(got[0].Subject, "Convocation") {
		t.Fatalf("resent: %v", got)
	}
	if err := mailCommand(ctx, cfg, []string{"resend", "nope@notifications.titrepro"}, &out); err == nil {
		t.Fatal("resending an unknown message succeeded")
	}
}
