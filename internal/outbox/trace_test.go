package outbox

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/internal/telemetry"
)

const followSubject = "titrepro.test.v1.thing_followed"

// traceRound writes an event in a transaction run under ctx, lets the relay
// publish it and a consumer handle it; the handler writes a follow-up
// event in its own transaction. It returns the trace context the handler
// ran in and the stored trace_parent of both events.
func traceRound(t *testing.T, e env, ctx context.Context) (handled trace.SpanContext, first, follow string) {
	t.Helper()
	require.NoError(t, eventbus.Migrate(context.Background(), e.db))
	e.runRelay(t, RelayOptions{})
	got := make(chan trace.SpanContext, 1)
	sub, err := eventbus.Subscribe(context.Background(), e.js, e.db, testLogger(t), eventbus.ConsumerConfig{
		Stream: e.stream, Durable: "tracer", FilterSubjects: []string{testSubject},
	}, func(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
		ev := event(t, "followed")
		ev.Subject = followSubject
		if err := e.ob.Write(ctx, tx, ev); err != nil {
			return err
		}
		got <- trace.SpanContextFromContext(ctx)
		return nil
	})
	require.NoError(t, err)
	t.Cleanup(sub.Stop)

	ev := event(t, "traced")
	require.NoError(t, e.db.InTx(ctx, func(tx *sqldb.Tx) error { return e.ob.Write(ctx, tx, ev) }))
	select {
	case handled = <-got:
	case <-time.After(waitFor):
		t.Fatal("the consumer never handled the event")
	}
	e.waitPublished(t, 2)
	for _, p := range []struct {
		subject string
		into    *string
	}{{testSubject, &first}, {followSubject, &follow}} {
		require.NoError(t, e.db.QueryRowContext(context.Background(),
			`SELECT trace_parent FROM outbox WHERE subject = $1`, p.subject).Scan(p.into))
	}
	return handled, first, follow
}

// With a recording tracer provider, one trace runs from the writer's span
// through its transaction, the relay's publish and the consumer's handling
// to the consumer's transaction, whose own event carries the trace on.
func TestTraceFollowsTheEventRecording(t *testing.T) {
	for _, eng := range dbtest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			telemetry.SetTracerProvider(tp)
			t.Cleanup(func() { telemetry.SetTracerProvider(nil) })

			e := newEnv(t, eng)
			ctx, root := tp.Tracer("test").Start(context.Background(), "request")
			handled, first, follow := traceRound(t, e, ctx)
			root.End()
			traceID := root.SpanContext().TraceID()
			require.Equal(t, traceID, handled.TraceID(), "the handler runs in the writer's trace")

			// Spans end after the handler returns: wait for the consumer's.
			require.Eventually(t, func() bool { return len(spansOf(rec, traceID)) >= 5 }, waitFor, tick)
			spans := spansOf(rec, traceID)
			byName := map[string][]sdktrace.ReadOnlySpan{}
			for _, s := range spans {
				byName[s.Name()] = append(byName[s.Name()], s)
			}
			require.Len(t, byName["db.tx"], 2, "spans: %v", names(spans))
			publish := byName["publish "+testSubject]
			consume := byName["consume "+testSubject]
			require.Len(t, publish, 1, "spans: %v", names(spans))
			require.Len(t, consume, 1, "spans: %v", names(spans))

			writeTx, consumeTx := byName["db.tx"][0], byName["db.tx"][1]
			if writeTx.Parent().SpanID() != root.SpanContext().SpanID() {
				writeTx, consumeTx = consumeTx, writeTx
			}
			require.Equal(t, root.SpanContext().SpanID(), writeTx.Parent().SpanID(), "db.tx under the request")
			require.Equal(t, writeTx.SpanContext().SpanID(), publish[0].Parent().SpanID(), "publish under the writing transaction")
			require.Equal(t, publish[0].SpanContext().SpanID(), consume[0].Parent().SpanID(), "consume under publish")
			require.Equal(t, consume[0].SpanContext().SpanID(), consumeTx.Parent().SpanID(), "the consumer's transaction under consume")
			require.Equal(t, trace.SpanKindProducer, publish[0].SpanKind())
			require.Equal(t, trace.SpanKindConsumer, consume[0].SpanKind())
			wantSystem := "sqlite"
			if e.db.Dialect == sqldb.DialectPostgres {
				wantSystem = "postgresql"
			}
			require.Contains(t, writeTx.Attributes(), attribute.String("db.system.name", wantSystem))

			require.Equal(t, "00-"+traceID.String()+"-"+writeTx.SpanContext().SpanID().String()+"-01", first)
			require.Equal(t, "00-"+traceID.String()+"-"+consumeTx.SpanContext().SpanID().String()+"-01", follow)
		})
	}
}

// Without a tracer provider (no exporter configured) nothing records, but a
// caller's trace context still reaches the consumer and its own events,
// unchanged: the trace id stays in the logs of every service.
func TestTraceFollowsTheEventWithoutProvider(t *testing.T) {
	telemetry.SetTracerProvider(nil)
	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	for _, eng := range dbtest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			ctx := trace.ContextWithRemoteSpanContext(context.Background(), mustSpanContext(t, parent))
			handled, first, follow := traceRound(t, e, ctx)
			require.Equal(t, parent, first)
			require.Equal(t, parent, follow)
			require.Equal(t, "4bf92f3577b34da6a3ce929d0e0e4736", handled.TraceID().String())
			msgs := e.streamMsgs(t)
			require.NotEmpty(t, msgs)
			require.Equal(t, parent, msgs[0].Header.Get(eventbus.HeaderTraceParent))
		})
	}
}

// Outside any trace an event carries no trace headers.
func TestUntracedEventHasNoTraceHeaders(t *testing.T) {
	e := newEnv(t, dbtest.Engines(t)[0])
	e.runRelay(t, RelayOptions{})
	e.commit(t, event(t, "untraced"))
	e.waitPublished(t, 1)
	m := e.streamMsgs(t)[0]
	require.Empty(t, m.Header.Get(eventbus.HeaderTraceParent))
	require.Empty(t, m.Header.Get(eventbus.HeaderTraceState))
}

func spansOf(rec *tracetest.SpanRecorder, id trace.TraceID) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.SpanContext().TraceID() == id {
			out = append(out, s)
		}
	}
	return out
}

func names(spans []sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name())
	}
	return out
}

func mustSpanContext(t *testing.T, traceparent string) trace.SpanContext {
	t.Helper()
	ctx := propagator.Extract(context.Background(), propagation.MapCarrier{eventbus.HeaderTraceParent: traceparent})
	sc := trace.SpanContextFromContext(ctx)
	require.True(t, sc.IsValid())
	return sc
}
