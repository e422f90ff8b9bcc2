package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/mail/smtptest"
	"github.com/titrepro/titrepro/services/candidate"
)

// TestEndToEndDecisionNotifications: the ministry's decisions about a
// person reach them by e-mail, through the real SMTP server started by the
// test: a withdrawal of their titre (R59, from CertificateWithdrawn on the
// certification stream), the decision on their appeal reforming it (R60,
// from AppealDecided) and a ban (R58, written with the sanction itself).
// Each message goes out once, in French, with what the decision allows to
// say: no motivation of the withdrawal (the event does not carry it), the
// sanction's own motivation, the last day of the ban.
func TestEndToEndDecisionNotifications(t *testing.T) {
	srv := smtptest.Start(t)
	cfg := testConfigEnv(t, t.TempDir(), map[string]string{
		"TITREPRO_SMTP_HOST": srv.Host(), "TITREPRO_SMTP_PORT": strconv.Itoa(srv.Port()), "TITREPRO_SMTP_TLS": "none",
		"TITREPRO_SMTP_FROM": "Titre professionnel <ne-pas-repondre@example.gouv.fr>",
	})
	s := startServer(t, cfg)
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	res, err := runFullSession(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	const holderAddr = "camille.durand@example.org"
	// The convocation and the results first.
	waitMail(t, srv, func(all []smtptest.Received) bool { return len(to(all, holderAddr)) == 2 })
	officer := w.tokens[asMinistry]
	// Each message's Message-ID derives from the event that caused it.
	ministry := newMinistryConsumer(t, cfg, "titrepro.certification.v1.certificate_withdrawn", "titrepro.certification.v1.appeal_decided")
	causedBy := func(m smtptest.Received, event, kind string) {
		t.Helper()
		if counts := ministry.drain(map[string]int{event: 1}); counts[event] != 1 {
			t.Fatalf("ministry stream = %v; want one %s", counts, event)
		}
		id := ministry.got[len(ministry.got)-1].Headers().Get("ce-id")
		if want := candidate.NotificationMessageID(id, kind, "candidate:"+res.candidateID); m.MessageID != want {
			t.Errorf("%s message: Message-ID %s; want %s (from event %s)", kind, m.MessageID, want, id)
		}
	}
	today := civildate.Of(time.Now())
	const motivation = "Fraude établie : substitution d'identité lors de la mise en situation professionnelle."
	nth := func(n int) smtptest.Received {
		t.Helper()
		return to(waitMail(t, srv, func(all []smtptest.Received) bool { return len(to(all, holderAddr)) >= n }), holderAddr)[n-1]
	}

	// R59: the titre is withdrawn.
	r := s.call(t, "POST", "/v1/certificates/"+res.certificate+":withdraw", officer, map[string]any{
		"motivation": motivation, "decision_reference": "Arrêté DREETS-ARA 2026-042", "decided_on": today.String()})
	if r.status != 200 {
		t.Fatalf("withdraw = HTTP %d: %s", r.status, r.body)
	}
	withdrawn := &certificationv1.WithdrawCertificateResponse{}
	decode(t, r.body, withdrawn)
	m := nth(3)
	if !strings.HasPrefix(m.Subject, "Retrait de votre titre professionnel") ||
		!strings.Contains(m.Text, "Bonjour Camille Durand,") ||
		!strings.Contains(m.Text, "référence Arrêté DREETS-ARA 2026-042, votre titre professionnel ") ||
		!strings.Contains(m.Text, ", n° "+res.certificate+", vous est retiré.") ||
		!strings.Contains(m.Text, "Les motifs de ce retrait sont exposés dans la décision elle-même") ||
		!strings.Contains(m.Text, "dans un délai de deux mois à compter de la notification de la décision, sauf mention contraire de la décision") ||
		strings.Contains(m.Text, "substitution") || !strings.Contains(m.HTML, "<html lang=\"fr\">") {
		t.Fatalf("withdrawal message = %q:\n%s", m.Subject, m.Text)
	}
	causedBy(m, "CertificateWithdrawn", "certificate_withdrawn")

	// R60: the holder's appeal reforms it.
	r = s.call(t, "POST", "/v1/appeals", officer, map[string]any{"kind": "APPEAL_KIND_GRACIEUX",
		"decision": "withdrawals/" + withdrawn.GetWithdrawal().GetId(), "appellant": "Camille Durand",
		"grounds": "Je conteste la fraude qui m'est reprochée.", "notified_on": today.String()})
	if r.status != 200 {
		t.Fatalf("file appeal = HTTP %d: %s", r.status, r.body)
	}
	filed := &certificationv1.FileAppealResponse{}
	decode(t, r.body, filed)
	r = s.call(t, "POST", "/v1/appeals/"+filed.GetAppeal().GetId()+":decide", officer, map[string]any{
		"outcome": "APPEAL_OUTCOME_REFORMED", "motivation": "La substitution d'identité n'est pas établie."})
	if r.status != 200 {
		t.Fatalf("decide = HTTP %d: %s", r.status, r.body)
	}
	m = nth(4)
	if m.Subject != "Décision sur votre recours – décision réformée" ||
		!strings.Contains(m.Text, "Le recours gracieux formé contre la décision de retrait de votre certification a été examiné.") ||
		!strings.Contains(m.Text, "Votre certificat n° "+res.certificate+" est de nouveau en vigueur") ||
		strings.Contains(m.Text, "substitution") {
		t.Fatalf("appeal message = %q:\n%s", m.Subject, m.Text)
	}
	causedBy(m, "AppealDecided", "appeal_decided")

	// R58: a three-month ban, told with its last day (the day before the
	// first day the candidate may register again).
	const banMotivation = "Fraude constatée lors de la mise en situation professionnelle."
	pronounced := &candidatev1.CreateSanctionResponse{}
	if err := w.call(ctx, asMinistry, "POST", "/v1/candidates/"+res.candidateID+"/sanctions", &candidatev1.Sanction{
		Kind: candidatev1.SanctionKind_SANCTION_KIND_BAN, DurationMonths: 3, NotifiedOn: today.String(),
		Reference: "FR-2026-0007", Motivation: banMotivation}, pronounced); err != nil {
		t.Fatal(err)
	}
	endsOn, err := time.Parse(time.DateOnly, pronounced.GetSanction().GetEndsOn())
	if err != nil {
		t.Fatal(err)
	}
	lastDay := civilDateFR(t, endsOn.AddDate(0, 0, -1).Format(time.DateOnly))
	m = nth(5)
	if !strings.HasPrefix(m.Subject, "Sanction – interdiction d'inscription jusqu'au ") || !strings.HasSuffix(m.Subject, lastDay+" inclus") ||
		!strings.Contains(m.Text, "pendant 3 mois") || !strings.Contains(m.Text, banMotivation) ||
		!strings.Contains(m.Text, "Référence de la décision : FR-2026-0007") {
		t.Fatalf("sanction message = %q (last day %s):\n%s", m.Subject, lastDay, m.Text)
	}

	// A restart replays nothing.
	s.stop()
	startServer(t, cfg)
	time.Sleep(2 * time.Second)
	for id, n := range srv.CountByID() {
		if n != 1 {
			t.Errorf("Message-ID %s sent %d times", id, n)
		}
	}
	if n := len(to(srv.Messages(), holderAddr)); n != 5 {
		t.Fatalf("%d messages to the candidate after the restart, want 5", n)
	}
}
