package eventbus_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/natstest"
)

func TestContextStream(t *testing.T) {
	t.Parallel()
	tests := []struct {
		context  string
		name     string
		subjects []string
	}{
		{"candidate", "TITREPRO_CANDIDATE", []string{"titrepro.candidate.v1.>"}},
		{"certification", "TITREPRO_CERTIFICATION", []string{"titrepro.certification.v1.>"}},
	}
	for _, tt := range tests {
		t.Run(tt.context, func(t *testing.T) {
			t.Parallel()
			got := eventbus.ContextStream(tt.context)
			require.Equal(t, eventbus.StreamConfig{
				Name:       tt.name,
				Subjects:   tt.subjects,
				Replicas:   1,
				Duplicates: 20 * time.Minute,
			}, got)
		})
	}
}

func TestEnsureStream(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	_, js := natstest.Connect(t, natstest.RunJetStream(t))
	cfg := eventbus.ContextStream("candidate")

	require.NoError(t, eventbus.EnsureStream(ctx, js, cfg))
	// Idempotent, and updates an existing stream in place.
	cfg.Duplicates = 30 * time.Minute
	require.NoError(t, eventbus.EnsureStream(ctx, js, cfg))

	st, err := js.Stream(ctx, cfg.Name)
	require.NoError(t, err)
	got := st.CachedInfo().Config
	require.Equal(t, cfg.Subjects, got.Subjects)
	require.Equal(t, jetstream.FileStorage, got.Storage)
	require.Equal(t, jetstream.LimitsPolicy, got.Retention)
	require.Equal(t, 1, got.Replicas)
	require.Equal(t, 30*time.Minute, got.Duplicates)
	require.Zero(t, got.MaxAge)

	require.Error(t, eventbus.EnsureStream(ctx, js, eventbus.StreamConfig{Name: "X"}))
}

// An unchanged stream is left alone: a no-op update still rewrites the
// stream's store on the server and races with consumers created meanwhile.
func TestEnsureStream_UnchangedStreamIsNotUpdated(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	nc, js := natstest.Connect(t, natstest.RunJetStream(t))
	cfg := eventbus.ContextStream("candidate")
	require.NoError(t, eventbus.EnsureStream(ctx, js, cfg))

	updates, err := nc.SubscribeSync("$JS.API.STREAM.UPDATE." + cfg.Name)
	require.NoError(t, err)
	require.NoError(t, nc.Flush())

	require.NoError(t, eventbus.EnsureStream(ctx, js, cfg))
	require.NoError(t, nc.Flush())
	_, err = updates.NextMsg(200 * time.Millisecond)
	require.ErrorIs(t, err, nats.ErrTimeout, "an unchanged stream must not be updated")

	cfg.MaxAge = time.Hour
	require.NoError(t, eventbus.EnsureStream(ctx, js, cfg))
	_, err = updates.NextMsg(time.Second)
	require.NoError(t, err, "a changed stream is updated")
}

// TestEnsureStreamLeavesAWantedStreamAlone: a consumer that makes sure the
// stream it reads exists may look it up and create it, never change it
// (natsauth); when the owner already created it, nothing is changed.
func TestEnsureStreamLeavesAWantedStreamAlone(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := natstest.RunJetStream(t)
	_, owner := natstest.ConnectAs(t, s, "certification")
	_, reader := natstest.ConnectAs(t, s, "assessment")
	cfg := eventbus.ContextStream("certification")
	require.NoError(t, eventbus.EnsureStream(ctx, owner, cfg))
	require.NoError(t, eventbus.EnsureStream(ctx, reader, cfg))

	// A reader with another idea of the stream is refused: only the owner
	// changes it.
	cfg.MaxAge = time.Hour
	rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	require.Error(t, eventbus.EnsureStream(rctx, reader, cfg))
	require.NoError(t, eventbus.EnsureStream(ctx, owner, cfg))
	st, err := owner.Stream(ctx, cfg.Name)
	require.NoError(t, err)
	require.Equal(t, time.Hour, st.CachedInfo().Config.MaxAge)
}
