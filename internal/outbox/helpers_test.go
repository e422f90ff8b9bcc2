package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/natstest"
	"github.com/titrepro/titrepro/internal/sqldb"
)

const (
	waitFor     = 30 * time.Second
	tick        = 10 * time.Millisecond
	testSubject = "titrepro.test.v1.thing_happened"
)

// env is one engine's database with the outbox, plus a private JetStream
// server holding the test context's stream.
type env struct {
	db     *sqldb.DB
	ob     *Outbox
	srv    *server.Server
	js     jetstream.JetStream
	stream string
}

func newEnv(t testing.TB, e dbtest.Engine) env {
	t.Helper()
	ctx := context.Background()
	db := e.Open(t)
	require.NoError(t, Migrate(ctx, db))
	srv := natstest.RunJetStream(t)
	_, js := natstest.Connect(t, srv)
	cfg := eventbus.ContextStream("test")
	require.NoError(t, eventbus.EnsureStream(ctx, js, cfg))
	return env{db: db, ob: New(db), srv: srv, js: js, stream: cfg.Name}
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// runRelay starts a relay in the background and returns a function that
// stops it and returns Run's result; it is also stopped at cleanup, before
// the database and NATS (cleanups run last-in first-out).
func (e env) runRelay(t testing.TB, opts RelayOptions) (stop func() error) {
	t.Helper()
	if opts.Stream == "" {
		opts.Stream = e.stream
	}
	r := NewRelay(e.ob, e.js, testLogger(t), opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// event returns a test event whose payload is label.
func event(t testing.TB, label string) Event {
	t.Helper()
	ev, err := NewEvent(wrapperspb.String(label), "titrepro/test", "things/"+label, time.Now())
	require.NoError(t, err)
	// A well-known type stands for an event of the test context: put it on
	// that context's stream.
	ev.Subject = testSubject
	return ev
}

// commit writes events in one transaction and returns their ids.
func (e env) commit(t testing.TB, events ...Event) []string {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, e.db.InTx(ctx, func(tx *sqldb.Tx) error {
		return e.ob.Write(ctx, tx, events...)
	}))
	ids := make([]string, len(events))
	for i, ev := range events {
		ids[i] = ev.ID
	}
	return ids
}

// commitN commits n events, one transaction each, and returns their ids in
// commit order.
func (e env) commitN(t testing.TB, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		ids = append(ids, e.commit(t, event(t, fmt.Sprint("e", i)))...)
	}
	return ids
}

// streamMsgs returns the stream's messages in stream order.
func (e env) streamMsgs(t testing.TB) []*jetstream.RawStreamMsg {
	t.Helper()
	ctx := context.Background()
	st, err := e.js.Stream(ctx, e.stream)
	require.NoError(t, err)
	state := st.CachedInfo().State
	var msgs []*jetstream.RawStreamMsg
	for seq := state.FirstSeq; state.Msgs > 0 && seq <= state.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		require.NoError(t, err)
		msgs = append(msgs, m)
	}
	return msgs
}

// streamIDs returns the Nats-Msg-Id of every message, in stream order.
func (e env) streamIDs(t testing.TB) []string {
	t.Helper()
	var ids []string
	for _, m := range e.streamMsgs(t) {
		ids = append(ids, m.Header.Get(jetstream.MsgIDHeader))
	}
	return ids
}

func (e env) streamCount(t testing.TB) uint64 {
	t.Helper()
	st, err := e.js.Stream(context.Background(), e.stream)
	require.NoError(t, err)
	return st.CachedInfo().State.Msgs
}

// waitPublished waits until the outbox is drained and the stream holds at
// least n messages.
func (e env) waitPublished(t testing.TB, n int) {
	t.Helper()
	require.Eventually(t, func() bool {
		lag, err := e.ob.Lag(context.Background())
		require.NoError(t, err)
		return lag.Pending == 0 && e.streamCount(t) >= uint64(n)
	}, waitFor, tick)
}

// outboxOrder returns the ids in the order the relay must publish them.
func (e env) outboxOrder(t testing.TB) []string {
	t.Helper()
	order := "seq"
	if e.db.Dialect == sqldb.DialectPostgres {
		order = "tx_id, seq"
	}
	rows, err := e.db.QueryContext(context.Background(), "SELECT id FROM outbox ORDER BY "+order)
	require.NoError(t, err)
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	require.NoError(t, rows.Err())
	return ids
}
