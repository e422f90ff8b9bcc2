package outbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/natstest"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// TestRelay runs every relay scenario on every engine.
func TestRelay(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name string
		run  func(t *testing.T, e env)
	}{
		{"published iff committed", testPublishedIffCommitted},
		{"cloudevents headers", testHeaders},
		{"concurrent transactions in commit order", testConcurrentOrder},
		{"nats down during writes", testNATSDown},
		{"crash between publish and mark", testCrashBeforeMark},
		{"woken by commit, not by poll", testWakeOnCommit},
		{"lag", testLag},
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

// testPublishedIffCommitted: an event written in a transaction that rolls
// back leaves no row and never reaches the stream.
func testPublishedIffCommitted(t *testing.T, e env) {
	ctx := t.Context()
	e.runRelay(t, RelayOptions{})
	errRollback := errors.New("business rule failed")
	err := e.db.InTx(ctx, func(tx *sqldb.Tx) error {
		require.NoError(t, e.ob.Write(ctx, tx, event(t, "rolled-back")))
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	committed := e.commit(t, event(t, "committed"))
	e.waitPublished(t, 1)

	require.Equal(t, committed, e.streamIDs(t))
	var rows int
	require.NoError(t, e.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&rows))
	require.Equal(t, 1, rows)
}

func testHeaders(t *testing.T, e env) {
	e.runRelay(t, RelayOptions{})
	ev := event(t, "with-headers")
	ev.Time = time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.FixedZone("CET", 3600))
	ev.TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	e.commit(t, ev)
	e.waitPublished(t, 1)

	msgs := e.streamMsgs(t)
	require.Len(t, msgs, 1)
	m := msgs[0]
	require.Equal(t, testSubject, m.Subject)
	want := map[string]string{
		jetstream.MsgIDHeader:          ev.ID,
		eventbus.HeaderSpecVersion:     "1.0",
		eventbus.HeaderID:              ev.ID,
		eventbus.HeaderSource:          "titrepro/test",
		eventbus.HeaderType:            "google.protobuf.StringValue",
		eventbus.HeaderSubject:         "things/with-headers",
		eventbus.HeaderTime:            "2026-03-04T04:06:07.123456Z",
		eventbus.HeaderContentType:     "application/protobuf",
		eventbus.HeaderTraceParent:     ev.TraceParent,
		jetstream.ExpectedStreamHeader: e.stream,
	}
	for k, v := range want {
		require.Equal(t, v, m.Header.Get(k), "header %s", k)
	}
	var got wrapperspb.StringValue
	require.NoError(t, proto.Unmarshal(m.Data, &got))
	require.Equal(t, "with-headers", got.GetValue())
}

// testConcurrentOrder: 200 events from 100 concurrent transactions (two
// events each) reach the stream exactly once each, in the relay's commit-safe
// order, with each transaction's events contiguous and in write order.
func testConcurrentOrder(t *testing.T, e env) {
	e.runRelay(t, RelayOptions{BatchSize: 16})
	const writers, txPerWriter = 25, 4
	var wg sync.WaitGroup
	txEvents := make(chan []string, writers*txPerWriter)
	for w := range writers {
		wg.Go(func() {
			for i := range txPerWriter {
				ids := e.commit(t, event(t, fmt.Sprint(w, "-", i, "-a")), event(t, fmt.Sprint(w, "-", i, "-b")))
				txEvents <- ids
			}
		})
	}
	wg.Wait()
	close(txEvents)
	e.waitPublished(t, 200)

	got := e.streamIDs(t)
	require.Len(t, got, 200, "each event exactly once")
	require.Equal(t, e.outboxOrder(t), got)
	pos := make(map[string]int, len(got))
	for i, id := range got {
		pos[id] = i
	}
	for ids := range txEvents {
		require.Equal(t, pos[ids[0]]+1, pos[ids[1]], "events of one transaction must be contiguous and ordered")
	}
}

// testNATSDown: writes keep committing while NATS is down; once it is back on
// the same port and store, every event arrives once, in order.
func testNATSDown(t *testing.T, e env) {
	e.runRelay(t, RelayOptions{PublishTimeout: 300 * time.Millisecond, MaxBackoff: 300 * time.Millisecond})
	before := e.commitN(t, 3)
	e.waitPublished(t, 3)

	e.srv.Shutdown()
	e.srv.WaitForShutdown()
	during := e.commitN(t, 50)
	lag, err := e.ob.Lag(t.Context())
	require.NoError(t, err)
	require.EqualValues(t, 50, lag.Pending, "nothing can be published while NATS is down")

	natstest.RestartJetStream(t, e.srv)
	e.waitPublished(t, 53)
	require.Equal(t, append(before, during...), e.streamIDs(t))
}

// testCrashBeforeMark: a relay dies after JetStream acknowledged some events
// but before it marked them. The next relay re-publishes them; the stream's
// duplicate window keeps one copy of each, and a durable consumer with an
// inbox applies each event once.
func testCrashBeforeMark(t *testing.T, e env) {
	ctx := t.Context()
	ids := e.commitN(t, 50)

	published := 0
	crashed := NewRelay(e.ob, e.js, testLogger(t), RelayOptions{
		Stream: e.stream,
		afterPublish: func(Event) bool {
			published++
			return published == 30
		},
	})
	require.ErrorIs(t, crashed.Run(ctx), errCrashed)
	lag, err := e.ob.Lag(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 50, lag.Pending, "the crashed relay marked nothing")
	require.EqualValues(t, 30, e.streamCount(t))

	e.runRelay(t, RelayOptions{})
	e.waitPublished(t, 50)
	require.Equal(t, ids, e.streamIDs(t), "each Nats-Msg-Id exactly once, in order")

	// End to end: a consumer applies each event exactly once.
	require.NoError(t, eventbus.Migrate(ctx, e.db))
	_, err = e.db.ExecContext(ctx, `CREATE TABLE applied (event_id TEXT NOT NULL)`)
	require.NoError(t, err)
	sub, err := eventbus.Subscribe(ctx, e.js, e.db, testLogger(t),
		eventbus.ConsumerConfig{Stream: e.stream, Durable: "projection"},
		func(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO applied (event_id) VALUES ($1)`, msg.ID)
			return err
		})
	require.NoError(t, err)
	t.Cleanup(sub.Stop)
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, e.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM applied`).Scan(&n))
		return n >= 50
	}, waitFor, tick)
	var n, distinct int
	require.NoError(t, e.db.QueryRowContext(ctx,
		`SELECT COUNT(*), COUNT(DISTINCT event_id) FROM applied`).Scan(&n, &distinct))
	require.Equal(t, 50, n)
	require.Equal(t, 50, distinct)
}

// testWakeOnCommit: with a one-hour poll interval, only the commit signal can
// make the relay publish within the test's deadline.
func testWakeOnCommit(t *testing.T, e env) {
	e.runRelay(t, RelayOptions{PollInterval: time.Hour})
	for i := range 5 {
		e.commit(t, event(t, fmt.Sprint("wake-", i)))
		e.waitPublished(t, i+1)
	}
	require.Len(t, e.streamIDs(t), 5)
}

func testLag(t *testing.T, e env) {
	ctx := t.Context()
	lag, err := e.ob.Lag(ctx)
	require.NoError(t, err)
	require.Equal(t, Lag{}, lag)

	e.commitN(t, 3)
	require.Eventually(t, func() bool {
		lag, err = e.ob.Lag(ctx)
		require.NoError(t, err)
		return lag.Oldest > 0
	}, waitFor, tick)
	require.EqualValues(t, 3, lag.Pending)

	e.runRelay(t, RelayOptions{})
	e.waitPublished(t, 3)
	lag, err = e.ob.Lag(ctx)
	require.NoError(t, err)
	require.Equal(t, Lag{}, lag)
}
