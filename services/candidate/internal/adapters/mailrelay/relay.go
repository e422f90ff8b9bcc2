// Package mailrelay sends the mail outbox: it wakes when a transaction
// commits new pending messages (and polls slowly for the rest), leases each
// due message, hands it to a mail.Sender and records the outcome. A
// temporary failure (server unreachable, SMTP 4xx) is retried with a
// growing delay, a bounded number of times; a permanent one (SMTP 5xx), or
// running out of attempts, marks the message failed with a log line at
// error level, for an operator (docs/operations.md, "Mail").
//
// Exactly once, and the residual window: a message is marked sent in its
// own statement after the server accepted it. A crash between the two
// leaves it pending: once its lease lapses it is sent again, with the same
// Message-ID, which lets the receiving mail system drop the copy. Nothing
// is lost: a crash before the server's acceptance sends it later.
package mailrelay

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/titrepro/titrepro/internal/mail"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
)

// Defaults of Options.
const (
	DefaultBatchSize    = 20
	DefaultPollInterval = 5 * time.Second
	DefaultLease        = 2 * time.Minute
	DefaultMaxAttempts  = 10
	DefaultFirstRetry   = 30 * time.Second
	DefaultMaxRetry     = time.Hour
	DefaultSendTimeout  = time.Minute
	// markTimeout bounds the recording of an outcome after a shutdown.
	markTimeout = 5 * time.Second
	// maxDBBackoff caps the wait after a failed round (database errors).
	maxDBBackoff = 30 * time.Second
)

// Options tune a Relay; zero values take the defaults.
type Options struct {
	BatchSize    int           // messages per round
	PollInterval time.Duration // wait when nothing woke the relay
	// Lease is how long a message being sent stays out of other relays'
	// reach; it must exceed SendTimeout.
	Lease       time.Duration
	MaxAttempts int           // attempts before a message is marked failed
	FirstRetry  time.Duration // delay after the first failed attempt; doubles up to MaxRetry
	MaxRetry    time.Duration
	SendTimeout time.Duration // bounds one Send

	// afterSend is a test hook run after the server accepted a message;
	// true makes the relay stop right there, as if the process died,
	// without marking the message sent.
	afterSend func(notice.Mail) (crash bool)
}

var errCrashed = errors.New("mailrelay: crash simulated by test hook")

// Relay sends the mail outbox. Run one per database (several are safe: a
// message is leased before it is sent).
type Relay struct {
	box    *sqlstore.MailOutbox
	sender mail.Sender
	log    *slog.Logger
	opts   Options
	now    func() time.Time
	wake   chan struct{}
}

// New returns a relay of box through sender. log nil means slog.Default().
func New(box *sqlstore.MailOutbox, sender mail.Sender, log *slog.Logger, opts Options) *Relay {
	if log == nil {
		log = slog.Default()
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	def(&opts.PollInterval, DefaultPollInterval)
	def(&opts.Lease, DefaultLease)
	def(&opts.FirstRetry, DefaultFirstRetry)
	def(&opts.MaxRetry, DefaultMaxRetry)
	def(&opts.SendTimeout, DefaultSendTimeout)
	if opts.Lease <= opts.SendTimeout {
		opts.Lease = opts.SendTimeout + time.Minute
	}
	return &Relay{box: box, sender: sender, log: log.With("component", "mail.relay"), opts: opts,
		now: time.Now, wake: make(chan struct{}, 1)}
}

// Wake makes the relay look at the outbox now; it never blocks. The
// notification store calls it after committing pending messages.
func (r *Relay) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Backlog reports the outbox by status, for operators.
func (r *Relay) Backlog(ctx context.Context) (sqlstore.Backlog, error) { return r.box.Backlog(ctx) }

// Run sends until ctx ends, then returns nil after recording the outcome
// of the message in hand. Failures never stop it.
func (r *Relay) Run(ctx context.Context) error {
	r.log.Info("mail relay started", "sender", r.sender.Describe())
	if b, err := r.box.Backlog(ctx); err == nil && (b.Failed > 0 || b.Held > 0) {
		// What waits on someone else: an operator (failed), an address (held).
		r.log.Warn("mail outbox: messages not sent", "failed", b.Failed, "held", b.Held, "pending", b.Pending)
	}
	failures := 0
	for {
		full, err := r.round(ctx)
		if errors.Is(err, errCrashed) {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		wait := r.opts.PollInterval
		switch {
		case err != nil:
			failures++
			wait = min(time.Duration(1<<min(failures, 10))*100*time.Millisecond, maxDBBackoff)
			r.log.Warn("mail relay: round failed, retrying", "err", err, "failures", failures, "retry_in", wait)
		case full:
			failures = 0
			continue
		default:
			failures = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-r.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// round sends the due messages of one batch; full reports a full batch.
func (r *Relay) round(ctx context.Context) (full bool, err error) {
	due, err := r.box.Due(ctx, r.now(), r.opts.BatchSize)
	if err != nil {
		return false, err
	}
	for _, m := range due {
		if ctx.Err() != nil {
			return false, nil
		}
		if err := r.send(ctx, m); err != nil {
			return false, err
		}
	}
	return len(due) == r.opts.BatchSize, nil
}

// send leases, sends and records one message. A delivery failure is not an
// error of the round: it is recorded on the message.
func (r *Relay) send(ctx context.Context, m notice.Mail) error {
	now := r.now()
	ok, err := r.box.Claim(ctx, m.MessageID, now, now.Add(r.opts.Lease))
	if err != nil || !ok {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, r.opts.SendTimeout)
	sendErr := r.sender.Send(sctx, mail.Message{
		ID: m.MessageID, To: m.To, ToName: m.ToName, Subject: m.Content.Subject,
		Text: m.Content.Text, HTML: m.Content.HTML, Date: m.CreatedAt,
	})
	cancel()
	attempts := m.Attempts + 1
	// Record the outcome even when ctx ended meanwhile: a clean shutdown
	// must not leave an accepted message to send again.
	mctx, mcancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer mcancel()
	log := r.log.With("message_id", m.MessageID, "kind", m.Kind, "event_id", m.EventID, "attempts", attempts)
	switch {
	case sendErr != nil && ctx.Err() != nil:
		// Cut short by the shutdown: not the message's fault. Hand it
		// back at once, attempts unchanged.
		return r.box.MarkRetry(mctx, m.MessageID, m.Attempts, r.now(), sendErr.Error())
	case sendErr == nil:
		if r.opts.afterSend != nil && r.opts.afterSend(m) {
			return errCrashed
		}
		if err := r.box.MarkSent(mctx, m.MessageID, attempts, r.now()); err != nil {
			return err
		}
		log.Info("mail sent")
		return nil
	case mail.Permanent(sendErr) || attempts >= r.opts.MaxAttempts:
		if err := r.box.MarkFailed(mctx, m.MessageID, attempts, sendErr.Error()); err != nil {
			return err
		}
		log.Error("mail failed: not sent, an operator must look (docs/operations.md, Mail)", "err", sendErr,
			"permanent", mail.Permanent(sendErr))
		return nil
	default:
		delay := r.opts.FirstRetry << min(attempts-1, 20)
		if delay <= 0 || delay > r.opts.MaxRetry {
			delay = r.opts.MaxRetry
		}
		if err := r.box.MarkRetry(mctx, m.MessageID, attempts, r.now().Add(delay), sendErr.Error()); err != nil {
			return err
		}
		log.Warn("mail not sent, will retry", "err", sendErr, "retry_in", delay)
		return nil
	}
}
