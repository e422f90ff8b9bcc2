package svcrun

import (
	"context"
	"fmt"
	"strconv"

	"github.com/nats-io/nats.go/jetstream"
)

// LoadStreamReplicas reads NATS_STREAM_REPLICAS: how many copies of each
// stream a standalone service creates (1 by default; 3 against a
// three-node JetStream cluster). JetStream accepts 1 to 5.
func LoadStreamReplicas(getenv func(string) string) (int, error) {
	v := getenv("NATS_STREAM_REPLICAS")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 5 {
		return 0, fmt.Errorf("NATS_STREAM_REPLICAS: want a number of replicas from 1 to 5, got %q", v)
	}
	return n, nil
}

// replicatedJetStream creates and updates streams with at least replicas
// copies. The services ask for one replica (eventbus.ContextStream) and
// eventbus.EnsureStream never lowers an existing stream's replicas, so
// raising them here, the one place every standalone stream is created or
// updated through, gives a cluster its replicated streams from the first
// start, with no operator step and no change in the services.
type replicatedJetStream struct {
	jetstream.JetStream
	replicas int
}

func withReplicas(js jetstream.JetStream, replicas int) jetstream.JetStream {
	if replicas <= 1 {
		return js
	}
	return replicatedJetStream{JetStream: js, replicas: replicas}
}

func (r replicatedJetStream) CreateStream(ctx context.Context, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	cfg.Replicas = max(cfg.Replicas, r.replicas)
	return r.JetStream.CreateStream(ctx, cfg)
}

func (r replicatedJetStream) UpdateStream(ctx context.Context, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	cfg.Replicas = max(cfg.Replicas, r.replicas)
	return r.JetStream.UpdateStream(ctx, cfg)
}

func (r replicatedJetStream) CreateOrUpdateStream(ctx context.Context, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	cfg.Replicas = max(cfg.Replicas, r.replicas)
	return r.JetStream.CreateOrUpdateStream(ctx, cfg)
}
