package eventbus_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/natstest"
	"github.com/titrepro/titrepro/internal/sqldb"
)

const (
	waitFor = 20 * time.Second
	tick    = 10 * time.Millisecond
)

// env is one engine's database plus a private JetStream server with the
// test stream.
type env struct {
	db     *sqldb.DB
	js     jetstream.JetStream
	stream string
}

func newEnv(t *testing.T, e dbtest.Engine) env {
	t.Helper()
	ctx := t.Context()
	db := e.Open(t)
	require.NoError(t, eventbus.Migrate(ctx, db))
	// applied is the test's "projection": one row per handler application.
	_, err := db.ExecContext(ctx, `CREATE TABLE applied (event_id TEXT NOT NULL)`)
	require.NoError(t, err)
	_, js := natstest.Connect(t, natstest.RunJetStream(t))
	cfg := eventbus.ContextStream("test")
	require.NoError(t, eventbus.EnsureStream(ctx, js, cfg))
	return env{db: db, js: js, stream: cfg.Name}
}

// consumerConfig has short delays so retries happen within the test.
func (e env) consumerConfig(durable string) eventbus.ConsumerConfig {
	return eventbus.ConsumerConfig{
		Stream:     e.stream,
		Durable:    durable,
		MaxDeliver: 5,
		BackOff:    []time.Duration{200 * time.Millisecond, 400 * time.Millisecond},
	}
}

func (e env) subscribe(t *testing.T, cfg eventbus.ConsumerConfig, h eventbus.Handler) *eventbus.Subscription {
	t.Helper()
	sub, err := eventbus.Subscribe(t.Context(), e.js, e.db, nil, cfg, h)
	require.NoError(t, err)
	t.Cleanup(sub.Stop)
	return sub
}

// publish sends an event the way the outbox relay does; msgID is the
// Nats-Msg-Id, which a test may vary to get past JetStream de-duplication.
func (e env) publish(t *testing.T, eventID, msgID string) {
	t.Helper()
	m := nats.NewMsg("titrepro.test.v1.thing_happened")
	m.Header.Set(jetstream.MsgIDHeader, msgID)
	m.Header.Set(eventbus.HeaderSpecVersion, eventbus.SpecVersion)
	m.Header.Set(eventbus.HeaderID, eventID)
	m.Header.Set(eventbus.HeaderType, "titrepro.test.v1.ThingHappened")
	m.Header.Set(eventbus.HeaderSource, "titrepro/test")
	m.Header.Set(eventbus.HeaderSubject, "things/"+eventID)
	m.Header.Set(eventbus.HeaderTime, time.Now().UTC().Format(time.RFC3339Nano))
	m.Header.Set(eventbus.HeaderContentType, eventbus.ContentTypeProtobuf)
	m.Data = []byte(eventID)
	_, err := e.js.PublishMsg(t.Context(), m)
	require.NoError(t, err)
}

// applied counts the committed applications of eventID.
func (e env) applied(t *testing.T, eventID string) int {
	t.Helper()
	var n int
	require.NoError(t, e.db.QueryRowContext(t.Context(),
		`SELECT COUNT(*) FROM applied WHERE event_id = $1`, eventID).Scan(&n))
	return n
}

func (e env) consumerInfo(t *testing.T, durable string) *jetstream.ConsumerInfo {
	t.Helper()
	c, err := e.js.Consumer(t.Context(), e.stream, durable)
	require.NoError(t, err)
	info, err := c.Info(t.Context())
	require.NoError(t, err)
	return info
}

// waitAcked waits until the consumer has acknowledged (or terminated) every
// message up to stream sequence seq.
func (e env) waitAcked(t *testing.T, durable string, seq uint64) {
	t.Helper()
	require.Eventually(t, func() bool {
		return e.consumerInfo(t, durable).AckFloor.Stream >= seq
	}, waitFor, tick)
}

// recorder is a handler that writes to the applied table and counts calls.
type recorder struct {
	mu    sync.Mutex
	calls map[string]int
	order []string // event ids, in the order the handler was called
	fail  func(msg eventbus.Message, call int) error
}

func (r *recorder) handle(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	r.mu.Lock()
	if r.calls == nil {
		r.calls = map[string]int{}
	}
	r.calls[msg.ID]++
	call := r.calls[msg.ID]
	r.order = append(r.order, msg.ID)
	fail := r.fail
	r.mu.Unlock()
	if fail != nil {
		if err := fail(msg, call); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO applied (event_id) VALUES ($1)`, msg.ID)
	return err
}

func (r *recorder) callsOf(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[id]
}

func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.order...)
}
