package eventbus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// DefaultDuplicates is the duplicate window of context streams. It must
// exceed the longest relay outage we tolerate (docs/architecture.md, reliability model): a relay
// that crashed between publish and mark re-publishes when it comes back, and
// only inside this window does JetStream drop the copy. Beyond it the
// consumers' inbox still de-duplicates.
const DefaultDuplicates = 20 * time.Minute

// StreamConfig is what titrepro decides about a stream; EnsureStream fills
// in the rest (file storage, limits retention).
type StreamConfig struct {
	Name       string
	Subjects   []string
	Replicas   int           // 1 embedded; 3 in a cluster
	Duplicates time.Duration // Nats-Msg-Id de-duplication window
	MaxAge     time.Duration // 0: keep forever, consumers can replay the whole history
}

// ContextStream returns the stream of a bounded context: "candidate" gives
// TITREPRO_CANDIDATE over "titrepro.candidate.v1.>", one replica, a 20-minute
// duplicate window, no age limit.
func ContextStream(context string) StreamConfig {
	return StreamConfig{
		Name:       "TITREPRO_" + strings.ToUpper(context),
		Subjects:   []string{"titrepro." + context + ".v1.>"},
		Replicas:   1,
		Duplicates: DefaultDuplicates,
	}
}

// EnsureStream creates the stream or updates it to cfg. Storage is always
// file (events must survive a restart) and retention is limits-based: events
// are history that several consumers read, not work items removed on ack.
//
// An existing stream never loses replicas: an operator who raised them in a
// cluster (`nats stream edit TITREPRO_X --replicas 3`) keeps them across
// every service restart, whatever the service's default.
//
// A stream already as wanted is left alone, so that a consumer making sure
// the stream it reads exists needs permission to look it up and create it,
// never to change it: only the stream's owner may (natsauth).
func EnsureStream(ctx context.Context, js jetstream.JetStream, cfg StreamConfig) error {
	if cfg.Name == "" || len(cfg.Subjects) == 0 {
		return errors.New("eventbus: stream needs a name and subjects")
	}
	want := jetstream.StreamConfig{
		Name:       cfg.Name,
		Subjects:   cfg.Subjects,
		Storage:    jetstream.FileStorage,
		Retention:  jetstream.LimitsPolicy,
		Replicas:   max(cfg.Replicas, 1),
		Duplicates: cfg.Duplicates,
		MaxAge:     cfg.MaxAge,
	}
	existing, err := js.Stream(ctx, cfg.Name)
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
		_, err = js.CreateStream(ctx, want)
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			// Created meanwhile by another service, with another
			// configuration: bring it to ours.
			return EnsureStream(ctx, js, cfg)
		}
	case err != nil:
		return fmt.Errorf("eventbus: look up stream %s: %w", cfg.Name, err)
	default:
		have := existing.CachedInfo().Config
		want.Replicas = max(want.Replicas, have.Replicas)
		if sameStream(have, want) {
			return nil
		}
		_, err = js.UpdateStream(ctx, want)
	}
	if err != nil {
		return fmt.Errorf("eventbus: ensure stream %s: %w", cfg.Name, err)
	}
	return nil
}

// sameStream reports whether have already has every setting titrepro
// decides in want.
func sameStream(have, want jetstream.StreamConfig) bool {
	return slices.Equal(have.Subjects, want.Subjects) &&
		have.Storage == want.Storage && have.Retention == want.Retention &&
		have.Replicas == want.Replicas && have.Duplicates == want.Duplicates &&
		have.MaxAge == want.MaxAge
}
