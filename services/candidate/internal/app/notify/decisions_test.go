package notify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/sanction"
)

// once applies fn twice (a redelivery the inbox would have stopped: the
// mail outbox stops it too) and returns the only message it wrote.
func (e *env) once(kind notice.Kind, fn func(ctx context.Context, st notice.Store) error) row {
	e.t.Helper()
	e.must(fn)
	e.must(fn)
	var out []row
	for _, m := range e.mails() {
		if m.Kind == string(kind) {
			out = append(out, m)
		}
	}
	if len(out) != 1 {
		e.t.Fatalf("%d %s messages, want 1: %+v", len(out), kind, out)
	}
	return out[0]
}

// final checks that err terminates the event (never retried) and wrote nothing.
func (e *env) final(what string, err error, before int) {
	e.t.Helper()
	if err == nil || apperr.IsRetryable(err) {
		e.t.Errorf("%s: %v; want a final error", what, err)
	}
	if n := len(e.mails()); n != before {
		e.t.Errorf("%s wrote %d messages", what, n-before)
	}
}

func TestR59_WithdrawalToldToTheHolderOnce(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e *env) {
		w := notice.Withdrawal{CertificateNumber: "TP26-0000042-K", TitleID: "TP-00495", TitleVersion: "2008",
			TitleLabel: "Technicien supérieur", Reference: "Arrêté 2026-042", DecidedOn: "2026-07-03"}
		m := e.once(notice.KindCertificateWithdrawn, func(ctx context.Context, st notice.Store) error {
			return e.n.CertificateWithdrawn(ctx, st, "ev-w1", e.ids["camille"], w)
		})
		if m.ID != notice.MessageID("ev-w1", notice.KindCertificateWithdrawn, notice.CandidateKey(e.ids["camille"])) ||
			m.To != "camille@example.org" || m.Status != "pending" || !strings.HasPrefix(m.Subject, "Retrait de votre titre professionnel") ||
			!strings.Contains(m.Text, "Bonjour Camille Camilleson,") || !strings.Contains(m.Text, "n° TP26-0000042-K") {
			t.Fatalf("withdrawal message = %+v", m)
		}
		before := len(e.mails())
		e.final("a holder this service does not know", e.apply(func(ctx context.Context, st notice.Store) error {
			return e.n.CertificateWithdrawn(ctx, st, "ev-w2", "nobody", w)
		}), before)
	})
}

func TestR60_AppealOutcomeToldToThePersonConcerned(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e *env) {
		a := notice.AppealDecision{Kind: notice.AppealGracieux, Decision: "withdrawals/w1", Outcome: notice.AppealReformed,
			DecidedOn: "2026-09-01", RestoredCertificates: []string{"TP26-0000042-K"}}
		m := e.once(notice.KindAppealDecided, func(ctx context.Context, st notice.Store) error {
			return e.n.AppealDecided(ctx, st, "ev-a1", e.ids["louis"], a)
		})
		if m.ID != notice.MessageID("ev-a1", notice.KindAppealDecided, notice.CandidateKey(e.ids["louis"])) ||
			m.To != "louis@example.org" || m.Subject != "Décision sur votre recours – décision réformée" ||
			!strings.Contains(m.Text, "Votre certificat n° TP26-0000042-K est de nouveau en vigueur") {
			t.Fatalf("appeal message = %+v", m)
		}
		before := len(e.mails())
		e.final("unknown person", e.apply(func(ctx context.Context, st notice.Store) error {
			return e.n.AppealDecided(ctx, st, "ev-a2", "nobody", a)
		}), before)
		a.Outcome = ""
		e.final("no outcome", e.apply(func(ctx context.Context, st notice.Store) error {
			return e.n.AppealDecided(ctx, st, "ev-a3", e.ids["louis"], a)
		}), before)
	})
}

func TestR58_SanctionToldToThePersonSanctioned(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e *env) {
		notified, err := civildate.Parse("2026-06-19")
		if err != nil {
			t.Fatal(err)
		}
		s, err := sanction.Pronounce("sa-1", e.ids["camille"], sanction.Input{Kind: sanction.KindBan, DurationMonths: 3,
			NotifiedOn: notified.String(), Reference: "FR-2026-0007", Motivation: "Usage d'un document non autorisé."},
			sanction.DefaultMaxBanMonths, "dreets", at)
		if err != nil {
			t.Fatal(err)
		}
		m := e.once(notice.KindSanction, func(ctx context.Context, st notice.Store) error {
			return e.n.SanctionPronounced(ctx, st, "ev-s1", s)
		})
		// EndsOn 2026-09-19 is the first day allowed again: the last banned day is the 18th.
		if m.ID != notice.MessageID("ev-s1", notice.KindSanction, notice.CandidateKey(e.ids["camille"])) ||
			m.To != "camille@example.org" || m.Subject != "Sanction – interdiction d'inscription jusqu'au vendredi 18 septembre 2026 inclus" ||
			!strings.Contains(m.Text, "Usage d'un document non autorisé.") || !strings.Contains(m.Text, "à compter du samedi 19 septembre 2026") {
			t.Fatalf("sanction message = %+v", m)
		}
	})
}
