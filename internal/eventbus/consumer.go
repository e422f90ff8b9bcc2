package eventbus

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	"github.com/titrepro/titrepro/internal/sqldb"
)

// Consumer is one durable consumer of a service: the events it follows,
// all of one bounded context, and the handler that applies them. The
// stream (ContextOf) and the filter subjects (SubjectOf) follow from the
// events, so a consumer cannot follow a misspelt subject.
type Consumer struct {
	// Durable is the consumer name and the inbox key. It is persisted
	// (inbox rows, the server's consumer) and granted by name on the bus
	// (natsauth): never rename one.
	Durable string
	// Events are the messages the consumer follows, e.g.
	// &candidatev1.CandidateUpdated{}; only their type matters.
	Events []proto.Message
	// Handle applies one event inside the inbox's transaction.
	Handle Handler
}

// config returns the consumer configuration of c on its context's stream.
func (c Consumer) config() (StreamConfig, ConsumerConfig, error) {
	if len(c.Events) == 0 || c.Handle == nil {
		return StreamConfig{}, ConsumerConfig{}, fmt.Errorf("eventbus: consumer %q needs events and a handler", c.Durable)
	}
	context := ContextOf(c.Events[0])
	subjects := make([]string, 0, len(c.Events))
	for _, e := range c.Events {
		if ContextOf(e) != context {
			return StreamConfig{}, ConsumerConfig{}, fmt.Errorf("eventbus: consumer %q follows %s and %s: one stream per consumer",
				c.Durable, TypeOf(c.Events[0]), TypeOf(e))
		}
		subject := SubjectOf(e)
		if !strings.HasPrefix(subject, "titrepro."+context+".v1.") {
			// The server would accept the filter and deliver nothing.
			return StreamConfig{}, ConsumerConfig{}, fmt.Errorf("eventbus: consumer %q: %s is not an event of package titrepro.<context>.v1",
				c.Durable, TypeOf(e))
		}
		subjects = append(subjects, subject)
	}
	stream := ContextStream(context)
	return stream, ConsumerConfig{Stream: stream.Name, Durable: c.Durable, FilterSubjects: subjects}, nil
}

// SubscribeAll starts a service's consumers with the default settings,
// first creating each stream they read if its owner has not yet (same
// configuration everywhere, so this is idempotent). On error it stops the
// consumers it started. See Subscribe for ctx and the subscriptions'
// lifetime.
func SubscribeAll(ctx context.Context, js jetstream.JetStream, db *sqldb.DB, log *slog.Logger, consumers []Consumer) ([]*Subscription, error) {
	var subs []*Subscription
	stopAll := func() {
		for _, s := range subs {
			s.Stop()
		}
	}
	ensured := map[string]bool{} // each stream once: several consumers may read it
	for _, c := range consumers {
		stream, cfg, err := c.config()
		if err != nil {
			stopAll()
			return nil, err
		}
		if !ensured[stream.Name] {
			if err := EnsureStream(ctx, js, stream); err != nil {
				stopAll()
				return nil, err
			}
			ensured[stream.Name] = true
		}
		sub, err := Subscribe(ctx, js, db, log, cfg, c.Handle)
		if err != nil {
			stopAll()
			return nil, err
		}
		subs = append(subs, sub)
	}
	return subs, nil
}
