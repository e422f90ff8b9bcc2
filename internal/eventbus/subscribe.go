package eventbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// Consumer defaults (docs/architecture.md, reliability model).
const (
	DefaultMaxDeliver     = 8
	DefaultMaxAckPending  = 64
	DefaultHandlerTimeout = 30 * time.Second

	// pullBatch is how many messages the client buffers. Small on purpose:
	// the ack timer of a buffered message runs on the server (BackOff[0],
	// 1s by default) while it waits behind the one being handled.
	pullBatch = 8
	// ackTimeout bounds the DoubleAck round trip.
	ackTimeout = 5 * time.Second
)

// DefaultBackOff is the redelivery schedule: after an ack timeout the server
// waits BackOff[n-1] before delivery n+1, and a retryable handler error
// naks with the same delay. The last value repeats.
var DefaultBackOff = []time.Duration{time.Second, 5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute}

// Handler applies one event inside tx, the transaction that also records the
// event in the inbox. Return an error classified with apperr: a retryable
// one (Unavailable, Aborted, Internal or unclassified) gets the message
// redelivered later; any other kind means it can never succeed, and the
// message is terminated so that it does not block the stream.
//
// Messages of one subscription are handled one at a time in stream order,
// but a retried message comes back after later ones: a handler that needs
// per-aggregate order must check versions itself (docs/architecture.md, reliability model).
type Handler func(ctx context.Context, tx *sqldb.Tx, msg Message) error

// ConsumerConfig describes a durable consumer.
type ConsumerConfig struct {
	Stream         string
	Durable        string   // consumer name, also the inbox's consumer column
	FilterSubjects []string // empty: the whole stream
	// MaxDeliver bounds deliveries of one message; 0 means 8. When it is
	// reached the server stops redelivering and publishes the advisory
	// $JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<durable>: that
	// advisory, and TERMINATED for terminated messages, is where a
	// dead-letter process hooks in (the message stays in the stream).
	MaxDeliver int
	// BackOff is the redelivery schedule; nil means DefaultBackOff. It may
	// not be longer than MaxDeliver.
	BackOff []time.Duration
	// MaxAckPending bounds unacknowledged messages; 0 means 64.
	MaxAckPending int
	// HandlerTimeout bounds one handler call and its transaction; 0 means
	// 30s. It also bounds how long Stop can wait.
	HandlerTimeout time.Duration
}

func (c *ConsumerConfig) defaults() error {
	if c.Stream == "" || c.Durable == "" {
		return errors.New("eventbus: consumer needs Stream and Durable")
	}
	if c.MaxDeliver == 0 {
		c.MaxDeliver = DefaultMaxDeliver
	}
	if c.BackOff == nil {
		c.BackOff = DefaultBackOff
	}
	if len(c.BackOff) == 0 {
		return errors.New("eventbus: BackOff must not be empty")
	}
	if c.MaxDeliver > 0 && len(c.BackOff) > c.MaxDeliver {
		return fmt.Errorf("eventbus: %d BackOff values for MaxDeliver %d: the server requires len(BackOff) <= MaxDeliver", len(c.BackOff), c.MaxDeliver)
	}
	if c.MaxAckPending == 0 {
		c.MaxAckPending = DefaultMaxAckPending
	}
	if c.HandlerTimeout <= 0 {
		c.HandlerTimeout = DefaultHandlerTimeout
	}
	return nil
}

// Subscription is a running consumer. Stop it before closing the database
// or the NATS connection.
type Subscription struct {
	cfg  ConsumerConfig
	db   *sqldb.DB
	log  *slog.Logger
	h    Handler
	base context.Context // parent of handler contexts; never cancelled by the caller's ctx

	cc jetstream.ConsumeContext

	mu       sync.Mutex
	stopped  bool
	inFlight sync.WaitGroup
}

// Subscribe creates or updates the durable pull consumer cfg on its stream
// and starts handling messages with h. ctx bounds the setup only; the
// subscription lives until Stop, and handlers get a context that keeps ctx's
// values but is not cancelled with it, so that a shutdown lets the handler in
// flight commit instead of cutting it off.
func Subscribe(ctx context.Context, js jetstream.JetStream, db *sqldb.DB, log *slog.Logger, cfg ConsumerConfig, h Handler) (*Subscription, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, cfg.Stream, jetstream.ConsumerConfig{
		Durable:        cfg.Durable,
		AckPolicy:      jetstream.AckExplicitPolicy,
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		MaxDeliver:     cfg.MaxDeliver,
		BackOff:        cfg.BackOff,
		MaxAckPending:  cfg.MaxAckPending,
		FilterSubjects: cfg.FilterSubjects,
	})
	if err != nil {
		return nil, fmt.Errorf("eventbus: consumer %s on %s: %w", cfg.Durable, cfg.Stream, err)
	}
	s := &Subscription{
		cfg:  cfg,
		db:   db,
		log:  log.With("component", "eventbus", "stream", cfg.Stream, "consumer", cfg.Durable),
		h:    h,
		base: context.WithoutCancel(ctx),
	}
	cc, err := cons.Consume(s.onMessage,
		jetstream.PullMaxMessages(pullBatch),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			// Heartbeat and reconnect hiccups: the client keeps pulling.
			s.log.Warn("eventbus: consume", "err", err)
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("eventbus: consume %s: %w", cfg.Durable, err)
	}
	s.cc = cc
	return s, nil
}

// Stop stops fetching and waits for the handler in flight to finish: its
// transaction committed and the message acknowledged, or handed back for
// redelivery. Messages already fetched but not started are handed back
// (nak) rather than dropped: dropped, the server would redeliver them only
// after their ack wait (30 s), so a restarted service would sit on events it
// had pulled before stopping. Stop is safe to call more than once.
func (s *Subscription) Stop() {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	// Drain runs the buffered messages through onMessage, which naks them
	// now that stopped is set. It needs the connection: if that is gone,
	// give up after the handler bound and let the ack wait redeliver.
	s.cc.Drain()
	select {
	case <-s.cc.Closed():
	case <-time.After(s.cfg.HandlerTimeout):
		s.cc.Stop()
	}
	s.inFlight.Wait()
}

// onMessage runs in the consumer's delivery goroutine, one message at a time.
func (s *Subscription) onMessage(m jetstream.Msg) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		// Delivered after Stop: hand it back at once rather than let it
		// wait for its ack timeout.
		_ = m.Nak()
		return
	}
	s.inFlight.Add(1)
	s.mu.Unlock()
	defer s.inFlight.Done()
	s.handle(m)
}

func (s *Subscription) handle(m jetstream.Msg) {
	msg, err := parseMessage(m)
	if err != nil {
		s.log.Error("eventbus: malformed message terminated", "subject", m.Subject(), "err", err)
		s.term(m, "malformed event")
		return
	}
	log := s.log.With("event_id", msg.ID, "event_type", msg.Type)

	ctx, cancel := context.WithTimeout(s.base, s.cfg.HandlerTimeout)
	defer cancel()
	ctx, endSpan := startConsumeSpan(ctx, m.Headers(), msg, s.cfg.Durable)
	stopKeepAlive := s.keepAlive(m)
	duplicate := false
	err = s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		fresh, err := claim(ctx, tx, s.cfg.Durable, msg.ID)
		if err != nil {
			return err
		}
		if !fresh {
			duplicate = true
			return nil
		}
		return s.h(ctx, tx, msg)
	})
	stopKeepAlive()
	endSpan(err)

	switch {
	case err == nil:
		if duplicate {
			log.DebugContext(ctx, "eventbus: duplicate acknowledged without applying")
		}
		// Only now that the transaction committed: acking earlier could
		// lose the event if the commit failed. DoubleAck waits for the
		// server, so a lost ack does not cause a needless redelivery.
		actx, acancel := context.WithTimeout(s.base, ackTimeout)
		defer acancel()
		if err := m.DoubleAck(actx); err != nil {
			// Applied and recorded: a redelivery will find it in the inbox.
			log.WarnContext(ctx, "eventbus: ack failed, the inbox will absorb the redelivery", "err", err)
		}
	case apperr.IsRetryable(err):
		delay, attempt := s.retryDelay(m)
		if s.cfg.MaxDeliver > 0 && attempt >= s.cfg.MaxDeliver {
			log.ErrorContext(ctx, "eventbus: last delivery failed; left to the dead-letter process", "attempt", attempt, "err", err)
		} else {
			log.WarnContext(ctx, "eventbus: handler failed, will retry", "attempt", attempt, "retry_in", delay, "err", err)
		}
		if nerr := m.NakWithDelay(delay); nerr != nil {
			log.WarnContext(ctx, "eventbus: nak failed, the server redelivers after the ack wait", "err", nerr)
		}
	default:
		log.ErrorContext(ctx, "eventbus: handler rejected the event, terminated", "kind", apperr.KindOf(err), "err", err)
		reason := "handler rejected the event"
		var ae *apperr.Error
		if errors.As(err, &ae) && ae.Reason != "" {
			reason = ae.Reason
		}
		s.term(m, reason)
	}
}

// term stops redelivery of a message that can never be handled, so that it
// does not block the stream; the server's TERMINATED advisory carries the
// reason to a dead-letter process.
func (s *Subscription) term(m jetstream.Msg, reason string) {
	if err := m.TermWithReason(reason); err != nil {
		s.log.Warn("eventbus: term failed", "err", err)
	}
}

// retryDelay returns the nak delay for this delivery, following the
// consumer's BackOff by delivery count, and the delivery number.
func (s *Subscription) retryDelay(m jetstream.Msg) (time.Duration, int) {
	attempt := 1
	if md, err := m.Metadata(); err == nil && md.NumDelivered > 0 {
		attempt = int(md.NumDelivered)
	}
	i := min(attempt-1, len(s.cfg.BackOff)-1)
	return s.cfg.BackOff[i], attempt
}

// keepAlive tells the server the message is still being worked on while a
// handler runs longer than half the shortest ack wait; otherwise the server
// would redeliver it under our feet (BackOff[0] is also the ack wait).
func (s *Subscription) keepAlive(m jetstream.Msg) (stop func()) {
	every := max(s.cfg.BackOff[0]/2, 20*time.Millisecond)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if err := m.InProgress(); err != nil {
					s.log.Debug("eventbus: in-progress signal failed", "err", err)
				}
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}
