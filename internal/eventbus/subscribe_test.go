package eventbus_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// TestSubscribe runs every consumer scenario on every engine.
func TestSubscribe(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name string
		run  func(t *testing.T, e env)
	}{
		{"redelivered event applied once", testDuplicateAppliedOnce},
		{"retryable error redelivered then applied", testRetryable},
		{"non-retryable error terminated, stream flows", testPoison},
		{"malformed message terminated, stream flows", testMalformed},
		{"stop waits for handler in flight", testStopWaits},
		{"stop hands fetched messages back at once", testStopHandsBack},
		{"restart resumes durable position", testResume},
		{"message and headers decoded", testMessageFields},
	}
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					t.Parallel()
					sc.run(t, newEnv(t, engine))
				})
			}
		})
	}
}

// testDuplicateAppliedOnce publishes one event twice under different
// Nats-Msg-Ids, as a relay re-publishing after the duplicate window would:
// the stream keeps both, the inbox lets the handler apply it once.
func testDuplicateAppliedOnce(t *testing.T, e env) {
	rec := &recorder{}
	e.subscribe(t, e.consumerConfig("dup"), rec.handle)
	e.publish(t, "ev-1", "msg-a")
	e.publish(t, "ev-1", "msg-b")
	e.publish(t, "ev-2", "msg-c")
	e.waitAcked(t, "dup", 3)

	require.Equal(t, 1, e.applied(t, "ev-1"))
	require.Equal(t, 1, rec.callsOf("ev-1"), "the duplicate must not reach the handler")
	require.Equal(t, 1, e.applied(t, "ev-2"))
	require.Zero(t, e.consumerInfo(t, "dup").NumAckPending)
}

func testRetryable(t *testing.T, e env) {
	rec := &recorder{fail: func(_ eventbus.Message, call int) error {
		if call < 3 {
			return apperr.New(apperr.KindUnavailable, "DEPENDENCY_DOWN", "try later")
		}
		return nil
	}}
	e.subscribe(t, e.consumerConfig("retry"), rec.handle)
	e.publish(t, "ev-1", "ev-1")
	e.waitAcked(t, "retry", 1)

	require.Equal(t, 1, e.applied(t, "ev-1"))
	require.Equal(t, 3, rec.callsOf("ev-1"))
}

func testPoison(t *testing.T, e env) {
	rec := &recorder{fail: func(msg eventbus.Message, _ int) error {
		if msg.ID == "poison" {
			return apperr.New(apperr.KindFailedPrecondition, "IMPOSSIBLE", "never valid")
		}
		return nil
	}}
	e.subscribe(t, e.consumerConfig("poison"), rec.handle)
	e.publish(t, "poison", "poison")
	e.publish(t, "ev-2", "ev-2")
	e.waitAcked(t, "poison", 2)

	require.Equal(t, 1, e.applied(t, "ev-2"))
	require.Zero(t, e.applied(t, "poison"), "the failed transaction must roll back")
	require.Equal(t, 1, rec.callsOf("poison"), "a terminated message is not redelivered")
	info := e.consumerInfo(t, "poison")
	require.Zero(t, info.NumAckPending)
	require.Zero(t, info.NumRedelivered)
}

func testMalformed(t *testing.T, e env) {
	rec := &recorder{}
	e.subscribe(t, e.consumerConfig("malformed"), rec.handle)
	_, err := e.js.PublishMsg(t.Context(), &nats.Msg{Subject: "titrepro.test.v1.junk", Data: []byte("x")})
	require.NoError(t, err)
	e.publish(t, "ev-2", "ev-2")
	e.waitAcked(t, "malformed", 2)

	require.Equal(t, []string{"ev-2"}, rec.seen())
	require.Zero(t, e.consumerInfo(t, "malformed").NumAckPending)
}

func testStopWaits(t *testing.T, e env) {
	entered := make(chan struct{})
	release := make(chan struct{})
	sub := e.subscribe(t, e.consumerConfig("stop"), func(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
		close(entered)
		<-release
		_, err := tx.ExecContext(ctx, `INSERT INTO applied (event_id) VALUES ($1)`, msg.ID)
		return err
	})
	e.publish(t, "ev-1", "ev-1")
	<-entered

	stopped := make(chan struct{})
	go func() {
		sub.Stop()
		close(stopped)
	}()
	require.Never(t, func() bool {
		select {
		case <-stopped:
			return true
		default:
			return false
		}
	}, 300*time.Millisecond, tick, "Stop returned while the handler was still running")
	close(release)
	<-stopped

	// Stop returned only after the commit and the (double) ack.
	require.Equal(t, 1, e.applied(t, "ev-1"))
	require.Zero(t, e.consumerInfo(t, "stop").NumAckPending)
	require.EqualValues(t, 1, e.consumerInfo(t, "stop").AckFloor.Stream)
}

// testStopHandsBack stops a subscription that has fetched messages it has
// not handled yet: the next subscription gets them long before the server's
// 30 s ack wait would have redelivered them.
func testStopHandsBack(t *testing.T, e env) {
	cfg := e.consumerConfig("handback")
	entered := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	sub := e.subscribe(t, cfg, func(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
		once.Do(func() { close(entered) })
		<-release
		_, err := tx.ExecContext(ctx, `INSERT INTO applied (event_id) VALUES ($1)`, msg.ID)
		return err
	})
	for _, id := range []string{"ev-1", "ev-2", "ev-3", "ev-4"} {
		e.publish(t, id, id)
	}
	<-entered
	// The first message is in the handler; the others are fetched (the
	// consumer pulls in batches) and wait behind it.
	require.Eventually(t, func() bool { return e.consumerInfo(t, "handback").NumAckPending == 4 }, waitFor, tick)
	stopped := make(chan struct{})
	go func() {
		sub.Stop()
		close(stopped)
	}()
	close(release)
	<-stopped

	// waitAcked gives up after 20 s, before the server's 30 s ack wait
	// would redeliver messages that were dropped instead of handed back.
	second := &recorder{}
	e.subscribe(t, cfg, second.handle)
	e.waitAcked(t, "handback", 4)
	require.Equal(t, 1, e.applied(t, "ev-1"))
	// Redeliveries carry no order guarantee (consumers that need one check
	// versions): every message once, in any order.
	require.ElementsMatch(t, []string{"ev-2", "ev-3", "ev-4"}, second.seen())
}

func testResume(t *testing.T, e env) {
	cfg := e.consumerConfig("resume")
	first := &recorder{}
	sub := e.subscribe(t, cfg, first.handle)
	for _, id := range []string{"ev-1", "ev-2", "ev-3"} {
		e.publish(t, id, id)
	}
	e.waitAcked(t, "resume", 3)
	sub.Stop()

	e.publish(t, "ev-4", "ev-4")
	e.publish(t, "ev-5", "ev-5")
	second := &recorder{}
	e.subscribe(t, cfg, second.handle)
	e.waitAcked(t, "resume", 5)

	require.Equal(t, []string{"ev-1", "ev-2", "ev-3"}, first.seen())
	require.Equal(t, []string{"ev-4", "ev-5"}, second.seen())
}

func testMessageFields(t *testing.T, e env) {
	got := make(chan eventbus.Message, 1)
	e.subscribe(t, e.consumerConfig("fields"), func(_ context.Context, _ *sqldb.Tx, msg eventbus.Message) error {
		got <- msg
		return nil
	})
	before := time.Now().UTC().Add(-time.Second)
	e.publish(t, "ev-1", "ev-1")
	msg := <-got
	require.Equal(t, "ev-1", msg.ID)
	require.Equal(t, "titrepro.test.v1.ThingHappened", msg.Type)
	require.Equal(t, "titrepro/test", msg.Source)
	require.Equal(t, "things/ev-1", msg.Resource)
	require.Equal(t, "titrepro.test.v1.thing_happened", msg.Subject)
	require.Equal(t, []byte("ev-1"), msg.Data)
	require.True(t, msg.Time.After(before), "time %v", msg.Time)
}

func TestSubscribeConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  eventbus.ConsumerConfig
	}{
		{"no stream", eventbus.ConsumerConfig{Durable: "d"}},
		{"no durable", eventbus.ConsumerConfig{Stream: "S"}},
		{"backoff longer than max deliver", eventbus.ConsumerConfig{Stream: "S", Durable: "d", MaxDeliver: 2}},
		{"empty backoff", eventbus.ConsumerConfig{Stream: "S", Durable: "d", BackOff: []time.Duration{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := eventbus.Subscribe(t.Context(), nil, nil, nil, tt.cfg, nil)
			require.Error(t, err)
		})
	}
}
