package mailrelay_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/mail"
	"github.com/titrepro/titrepro/internal/mail/smtptest"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/mailrelay"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
)

type env struct {
	db     *sqldb.DB
	box    *sqlstore.MailOutbox
	smtp   *smtptest.Server
	sender mail.Sender
}

func forEachEngine(t *testing.T, test func(t *testing.T, e env)) {
	for _, eng := range dbtest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			db := eng.Open(t)
			if err := sqlstore.Migrate(context.Background(), db); err != nil {
				t.Fatal(err)
			}
			srv := smtptest.Start(t)
			cfg, err := mail.LoadConfig("", func(k string) string {
				return map[string]string{"SMTP_HOST": srv.Host(), "SMTP_PORT": strconv.Itoa(srv.Port()), "SMTP_TLS": "none",
					"SMTP_FROM": "Titre professionnel <ne-pas-repondre@example.gouv.fr>", "SMTP_TIMEOUT": "5s"}[k]
			}, "")
			if err != nil {
				t.Fatal(err)
			}
			sender, err := mail.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			test(t, env{db: db, box: sqlstore.NewMailOutbox(db), smtp: srv, sender: sender})
		})
	}
}

// enqueue writes n pending messages, as the consumers do.
func (e env) enqueue(t *testing.T, prefix string, n int) []string {
	t.Helper()
	var ids []string
	err := e.db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		st := sqlstore.NewNoticeStore(tx, nil, nil)
		for i := range n {
			key := notice.CandidateKey(fmt.Sprintf("%s-%d", prefix, i))
			id := notice.MessageID("ev-"+prefix, notice.KindCandidateConvocation, key)
			ids = append(ids, id)
			if _, err := st.Enqueue(context.Background(), notice.Mail{MessageID: id, EventID: "ev-" + prefix,
				Kind: notice.KindCandidateConvocation, RecipientKey: key, SessionID: "s1",
				To: fmt.Sprintf("c%d@example.org", i), ToName: "Camille", Status: notice.StatusPending,
				Content: notice.Content{Subject: "Convocation", Text: "Bonjour,\nVous êtes convoqué·e.\n"}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// run runs a relay until the returned stop is called; stop returns Run's error.
func run(r *mailrelay.Relay) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	return func() error {
		cancel()
		return <-done
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func backlog(t *testing.T, e env) sqlstore.Backlog {
	t.Helper()
	b, err := e.box.Backlog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRelaySendsEachMessageOnce(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e env) {
		ids := e.enqueue(t, "a", 25) // more than a batch
		r := mailrelay.New(e.box, e.sender, quiet, mailrelay.Options{PollInterval: time.Hour})
		stop := run(r)
		e.smtp.WaitFor(t, 25, 10*time.Second)
		waitFor(t, "every message marked sent", func() bool { return backlog(t, e).Sent == 25 })
		// Woken by a commit, not by polling (the poll interval is an hour).
		more := e.enqueue(t, "b", 1)
		r.Wake()
		e.smtp.WaitFor(t, 26, 10*time.Second)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		counts := e.smtp.CountByID()
		for _, id := range append(ids, more...) {
			if counts[id] != 1 {
				t.Errorf("%s sent %d times, want 1", id, counts[id])
			}
		}
		if len(counts) != 26 {
			t.Errorf("%d distinct messages, want 26", len(counts))
		}
	})
}

func TestRelayRetriesTemporaryRefusals(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e env) {
		ids := e.enqueue(t, "t", 1)
		e.smtp.Refuse(2, 451)
		r := mailrelay.New(e.box, e.sender, quiet, mailrelay.Options{PollInterval: 20 * time.Millisecond, FirstRetry: 50 * time.Millisecond})
		stop := run(r)
		got := e.smtp.WaitFor(t, 1, 10*time.Second)
		waitFor(t, "the message marked sent", func() bool { return backlog(t, e).Sent == 1 })
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if e.smtp.Refused() != 2 || len(e.smtp.Messages()) != 1 || got[0].MessageID != ids[0] {
			t.Fatalf("refused %d, accepted %d; want 2 refusals then the message once", e.smtp.Refused(), len(e.smtp.Messages()))
		}
		var attempts int
		if err := e.db.QueryRowContext(context.Background(), `SELECT attempts FROM mail_outbox WHERE message_id = $1`, ids[0]).Scan(&attempts); err != nil {
			t.Fatal(err)
		}
		if attempts != 3 {
			t.Fatalf("attempts = %d, want 3", attempts)
		}
	})
}

func TestRelayGivesUp(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e env) {
		t.Run("permanent refusal", func(t *testing.T) {
			e.enqueue(t, "p", 1)
			e.smtp.Refuse(1, 550)
			stop := run(mailrelay.New(e.box, e.sender, quiet, mailrelay.Options{PollInterval: 20 * time.Millisecond, FirstRetry: 10 * time.Millisecond}))
			waitFor(t, "the message marked failed", func() bool { return backlog(t, e).Failed == 1 })
			time.Sleep(100 * time.Millisecond) // a failed message is never tried again
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			if e.smtp.Refused() != 1 || len(e.smtp.Messages()) != 0 {
				t.Fatalf("refused %d, accepted %d", e.smtp.Refused(), len(e.smtp.Messages()))
			}
		})
		t.Run("out of attempts", func(t *testing.T) {
			ids := e.enqueue(t, "x", 1)
			e.smtp.Refuse(100, 421)
			before := e.smtp.Refused()
			stop := run(mailrelay.New(e.box, e.sender, quiet, mailrelay.Options{PollInterval: 10 * time.Millisecond,
				FirstRetry: 5 * time.Millisecond, MaxRetry: 10 * time.Millisecond, MaxAttempts: 3}))
			waitFor(t, "the message marked failed", func() bool { return backlog(t, e).Failed == 2 })
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			if n := e.smtp.Refused() - before; n != 3 {
				t.Fatalf("%d attempts, want 3", n)
			}
			var cause string
			if err := e.db.QueryRowContext(context.Background(), `SELECT last_error FROM mail_outbox WHERE message_id = $1`, ids[0]).Scan(&cause); err != nil {
				t.Fatal(err)
			}
			if cause == "" {
				t.Fatal("a failed message keeps the last error for the operator")
			}
			// The operator resends it once the server is back.
			e.smtp.Refuse(0, 0)
			if ok, err := e.box.Resend(context.Background(), ids[0], time.Now()); err != nil || !ok {
				t.Fatalf("Resend() = %v, %v", ok, err)
			}
			stop = run(mailrelay.New(e.box, e.sender, quiet, mailrelay.Options{PollInterval: 10 * time.Millisecond}))
			e.smtp.WaitFor(t, 1, 10*time.Second)
			if err := stop(); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// TestRelayCrashAfterAcceptance is the residual window: the server accepted
// a message, the process died before marking it. Nothing is lost; the
// message goes again after the lease, with the same Message-ID, which the
// receiving mail system uses to drop the copy.
func TestRelayCrashAfterAcceptance(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e env) {
		ids := e.enqueue(t, "c", 3)
		opts := mailrelay.Options{PollInterval: 10 * time.Millisecond, Lease: 200 * time.Millisecond, SendTimeout: 100 * time.Millisecond}
		crashed := mailrelay.New(e.box, e.sender, quiet, mailrelay.WithAfterSend(opts, func(m notice.Mail) bool { return m.MessageID == ids[1] }))
		if err := crashed.Run(context.Background()); !errors.Is(err, mailrelay.ErrCrashed) {
			t.Fatalf("Run() = %v", err)
		}
		stop := run(mailrelay.New(e.box, e.sender, quiet, opts))
		waitFor(t, "every message marked sent", func() bool { return backlog(t, e).Sent == 3 })
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		counts := e.smtp.CountByID()
		for _, id := range ids {
			want := 1
			if id == ids[1] {
				want = 2 // the one in the window: twice, with one Message-ID
			}
			if counts[id] != want {
				t.Errorf("%s accepted %d times, want %d", id, counts[id], want)
			}
		}
	})
}
