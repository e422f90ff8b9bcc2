package natstest_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/natstest"
)

// TestRestartKeepsData checks that a restarted server listens on the same
// port, keeps the stream and its messages, and that the client reconnects.
func TestRestartKeepsData(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	s := natstest.RunJetStream(t)
	_, js := natstest.Connect(t, s)
	_, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "T", Subjects: []string{"t.>"}, Storage: jetstream.FileStorage})
	require.NoError(t, err)
	_, err = js.Publish(ctx, "t.a", []byte("before"))
	require.NoError(t, err)

	url := s.ClientURL()
	s2 := natstest.RestartJetStream(t, s)
	require.Equal(t, url, s2.ClientURL())
	require.False(t, s.Running())

	// The client reconnects on its own; publish until it has.
	require.Eventually(t, func() bool {
		pctx, pcancel := context.WithTimeout(ctx, time.Second)
		defer pcancel()
		_, err := js.Publish(pctx, "t.b", []byte("after"))
		return err == nil
	}, 20*time.Second, 50*time.Millisecond)

	info, err := js.Stream(ctx, "T")
	require.NoError(t, err)
	require.GreaterOrEqual(t, info.CachedInfo().State.Msgs, uint64(2))
	m, err := info.GetMsg(ctx, 1)
	require.NoError(t, err)
	require.Equal(t, "before", string(m.Data))
}

// TestRestartAfterShutdown covers the "broker down while the service keeps
// writing" pattern: the test stops the server itself, then brings it back.
func TestRestartAfterShutdown(t *testing.T) {
	t.Parallel()
	s := natstest.RunJetStream(t)
	url := s.ClientURL()
	s.Shutdown()
	s.WaitForShutdown()
	s2 := natstest.RestartJetStream(t, s)
	require.Equal(t, url, s2.ClientURL())
	require.True(t, s2.JetStreamEnabled())
}
