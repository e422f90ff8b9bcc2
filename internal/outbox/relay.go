package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// Relay defaults.
const (
	DefaultBatchSize      = 100
	DefaultPollInterval   = time.Second
	DefaultMaxBackoff     = 15 * time.Second
	DefaultPublishTimeout = 5 * time.Second

	// deferredRetry is how soon a PostgreSQL relay looks again when rows are
	// waiting behind a transaction still in flight: that transaction's own
	// commit wakes the relay only if it wrote to the outbox, and it may not.
	deferredRetry = 50 * time.Millisecond
	// firstBackoff is the wait after the first failed round; it doubles up
	// to MaxBackoff.
	firstBackoff = 100 * time.Millisecond
	// markTimeout bounds the final marking of a batch cut short by
	// cancellation.
	markTimeout = 5 * time.Second
)

// RelayOptions configures a Relay.
type RelayOptions struct {
	// Stream is the JetStream stream every event must land in (required).
	// It is sent as Nats-Expected-Stream and checked against the PubAck:
	// a missing ack must never be mistaken for "stored" (docs/architecture.md,
	// reliability model).
	Stream string
	// BatchSize is how many rows a round reads and publishes; 0 means 100.
	// A larger batch marks less often, but a crash re-publishes up to a
	// batch (absorbed by the stream's duplicate window).
	BatchSize int
	// PollInterval is the fallback wait when nothing woke the relay: rows
	// written by another process, a missed wake-up. 0 means 1s. Commits
	// made through this process's Outbox wake the relay at once.
	PollInterval time.Duration
	// MaxBackoff caps the wait between rounds that fail (NATS or database
	// unreachable); 0 means 15s. It bounds how long publication lags once
	// the failure is over.
	MaxBackoff time.Duration
	// PublishTimeout bounds each JetStream publish; 0 means 5s.
	PublishTimeout time.Duration

	// afterPublish is a test hook run after each acknowledged publish; when
	// it returns true the relay behaves as if the process died right there:
	// Run returns errCrashed without marking the batch.
	afterPublish func(Event) (crash bool)
}

// errCrashed is returned by Run when afterPublish simulated a crash.
var errCrashed = errors.New("outbox: relay crash simulated by test hook")

// Relay publishes committed outbox rows to JetStream in commit order and
// marks them published. Run one per Outbox; on PostgreSQL any number of
// processes may run one, an advisory lock lets a single relay publish while
// the others stand by.
//
// Order: on SQLite, seq order, which is commit order. On PostgreSQL,
// (transaction id, seq) order, and a row waits while any older transaction
// is still running: a transaction's events stay contiguous and none is ever
// skipped, at the price that a long write transaction (anywhere in the
// cluster: transaction ids are cluster-wide) delays publication until it
// ends.
//
// Should two relays ever publish the same rows (a second process on one
// SQLite file, a lock lost mid-batch), the stream order still holds: each
// relay publishes row n only after row n-1 was acknowledged, so the first
// copy of every row lands in order and later copies are dropped as
// duplicates inside the stream's window.
type Relay struct {
	outbox  *Outbox
	js      jetstream.JetStream
	log     *slog.Logger
	opts    RelayOptions
	session session
}

// NewRelay returns a relay for o publishing through js. log nil means
// slog.Default().
func NewRelay(o *Outbox, js jetstream.JetStream, log *slog.Logger, opts RelayOptions) *Relay {
	if log == nil {
		log = slog.Default()
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.PublishTimeout <= 0 {
		opts.PublishTimeout = DefaultPublishTimeout
	}
	return &Relay{
		outbox:  o,
		js:      js,
		log:     log.With("component", "outbox.relay", "stream", opts.Stream),
		opts:    opts,
		session: session{db: o.db},
	}
}

// Lag reports the relay's backlog; see Outbox.Lag.
func (r *Relay) Lag(ctx context.Context) (Lag, error) { return r.outbox.Lag(ctx) }

// Run publishes until ctx ends, then returns nil. Failures (NATS down,
// database errors) never stop it: it logs them at warn level and retries
// with a capped exponential backoff, resuming from the first unpublished row.
func (r *Relay) Run(ctx context.Context) error {
	if r.opts.Stream == "" {
		return errors.New("outbox: relay: RelayOptions.Stream is required")
	}
	defer func() {
		if err := r.session.release(); err != nil {
			r.log.Warn("outbox relay: release lock", "err", err)
		}
	}()
	failures := 0
	for {
		st, err := r.round(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, errCrashed) {
			return err
		}
		if err != nil {
			failures++
			d := backoff(failures, r.opts.MaxBackoff)
			r.log.Warn("outbox relay: round failed, retrying", "err", err, "failures", failures, "retry_in", d)
			// Commits do not cut a backoff short: during an outage every
			// write would otherwise trigger a futile round.
			if !r.wait(ctx, d, false) {
				return nil
			}
			continue
		}
		if failures > 0 {
			r.log.Info("outbox relay: recovered", "after_failures", failures)
			failures = 0
		}
		var more bool
		switch st {
		case roundFull:
			continue
		case roundDeferred:
			more = r.wait(ctx, min(deferredRetry, r.opts.PollInterval), true)
		case roundStandby:
			more = r.wait(ctx, r.opts.PollInterval, false)
		default:
			more = r.wait(ctx, r.opts.PollInterval, true)
		}
		if !more {
			return nil
		}
	}
}

// Drain publishes every row committed so far, as Run's rounds do but
// without waiting between them, and returns once none is left or at the
// first failure. It is for benchmarks and tools that time the relay's own
// work; it holds the PostgreSQL lock until Run ends or Release.
func (r *Relay) Drain(ctx context.Context) error {
	if r.opts.Stream == "" {
		return errors.New("outbox: relay: RelayOptions.Stream is required")
	}
	for {
		st, err := r.round(ctx)
		switch {
		case err != nil:
			return err
		case st == roundIdle:
			return nil
		case st == roundStandby:
			return errors.New("outbox: relay: another relay holds the outbox lock")
		}
	}
}

// Release lets go of the PostgreSQL lock Drain took (Run does on return).
func (r *Relay) Release() error { return r.session.release() }

// roundState says what a successful round found, hence how long to wait.
type roundState int

const (
	roundIdle     roundState = iota // everything published
	roundFull                       // a full batch: there may be more at once
	roundDeferred                   // PostgreSQL: rows wait behind a transaction in flight
	roundStandby                    // PostgreSQL: another relay holds the lock
)

// round publishes one batch strictly in order, stopping at the first
// failure, and marks what was acknowledged.
func (r *Relay) round(ctx context.Context) (roundState, error) {
	q, ok, err := r.session.acquire(ctx)
	if err != nil {
		return roundIdle, err
	}
	if !ok {
		return roundStandby, nil
	}
	rows, err := fetch(ctx, q, r.outbox.db.Dialect, r.opts.BatchSize)
	if err != nil {
		r.session.reset()
		return roundIdle, err
	}
	acked := 0
	var pubErr error
	for _, row := range rows {
		if pubErr = r.publish(ctx, row.Event); pubErr != nil {
			break
		}
		acked++
		if r.opts.afterPublish != nil && r.opts.afterPublish(row.Event) {
			return roundIdle, errCrashed
		}
	}
	// Mark what JetStream acknowledged even when the round was cancelled,
	// so a clean shutdown does not leave rows to re-publish.
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	if err := markPublished(mctx, q, rows[:acked], time.Now()); err != nil {
		r.session.reset()
		return roundIdle, errors.Join(pubErr, err)
	}
	if pubErr != nil {
		return roundIdle, pubErr
	}
	if len(rows) == r.opts.BatchSize {
		return roundFull, nil
	}
	if r.outbox.db.Dialect == sqldb.DialectPostgres {
		pending, err := hasUnpublished(ctx, q)
		if err != nil {
			r.session.reset()
			return roundIdle, err
		}
		if pending {
			return roundDeferred, nil
		}
	}
	return roundIdle, nil
}

// publish sends one event with its CloudEvents headers and waits for the
// stream's acknowledgement (stored and, with sync_interval always, fsynced).
func (r *Relay) publish(ctx context.Context, e Event) error {
	h := Headers(e, r.opts.Stream)
	ctx, endSpan := startPublishSpan(ctx, e, h)
	err := r.send(ctx, e, h)
	endSpan(err)
	return err
}

// Headers are the headers the relay publishes e with to stream, trace
// context aside: de-duplication id, expected stream and the CloudEvents
// attributes. Benchmarks build the same messages with it.
func Headers(e Event, stream string) nats.Header {
	h := nats.Header{}
	h.Set(jetstream.MsgIDHeader, e.ID)
	h.Set(jetstream.ExpectedStreamHeader, stream)
	h.Set(eventbus.HeaderSpecVersion, eventbus.SpecVersion)
	h.Set(eventbus.HeaderID, e.ID)
	h.Set(eventbus.HeaderSource, e.Source)
	h.Set(eventbus.HeaderType, e.Type)
	if e.Resource != "" {
		h.Set(eventbus.HeaderSubject, e.Resource)
	}
	h.Set(eventbus.HeaderTime, e.Time.UTC().Format(time.RFC3339Nano))
	h.Set(eventbus.HeaderContentType, eventbus.ContentTypeProtobuf)
	return h
}

// send publishes e with headers h and checks the acknowledgement.
func (r *Relay) send(ctx context.Context, e Event, h nats.Header) error {
	msg := &nats.Msg{Subject: e.Subject, Header: h, Data: e.Payload}

	pctx, cancel := context.WithTimeout(ctx, r.opts.PublishTimeout)
	defer cancel()
	ack, err := r.js.PublishMsg(pctx, msg)
	if err != nil {
		return fmt.Errorf("outbox: publish %s to %s: %w", e.ID, e.Subject, err)
	}
	if ack.Stream != r.opts.Stream {
		return fmt.Errorf("outbox: publish %s to %s: acknowledged by stream %q, want %q", e.ID, e.Subject, ack.Stream, r.opts.Stream)
	}
	if ack.Duplicate {
		r.log.Debug("outbox relay: duplicate dropped by the stream", "event_id", e.ID)
	}
	return nil
}

// wait blocks for d, or until a commit wakes the relay when wakeable, or
// until ctx ends (then it returns false).
func (r *Relay) wait(ctx context.Context, d time.Duration, wakeable bool) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	var wake <-chan struct{}
	if wakeable {
		wake = r.outbox.wake
	}
	select {
	case <-ctx.Done():
		return false
	case <-wake:
		return true
	case <-t.C:
		return true
	}
}

// backoff returns the wait after the n-th consecutive failure: 100ms,
// 200ms, 400ms… capped at limit.
func backoff(n int, limit time.Duration) time.Duration {
	d := firstBackoff
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}
