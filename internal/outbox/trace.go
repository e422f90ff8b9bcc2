package outbox

import (
	"context"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/internal/telemetry"
)

// The event headers are a contract with every consumer (docs/events.md):
// W3C trace context whatever the process's global propagator.
var (
	propagator = propagation.TraceContext{}
)

// traceOf returns the W3C traceparent and tracestate of the trace the
// transaction runs in (its db.tx span, else the caller's span), or "" when
// it runs in none.
func traceOf(ctx context.Context, tx *sqldb.Tx) (parent, state string) {
	sc := tx.SpanContext()
	if !sc.IsValid() {
		sc = trace.SpanContextFromContext(ctx)
	}
	if !sc.IsValid() {
		return "", ""
	}
	c := propagation.MapCarrier{}
	propagator.Inject(trace.ContextWithSpanContext(context.Background(), sc), c)
	return c[eventbus.HeaderTraceParent], c[eventbus.HeaderTraceState]
}

// startPublishSpan continues the trace stored with e: a "publish <subject>"
// producer span, child of the writing transaction, whose context becomes
// the message's traceparent and tracestate headers. When tracing is not
// Active the stored context passes through unchanged. An event written
// outside any trace gets neither span nor headers.
func startPublishSpan(ctx context.Context, e Event, h nats.Header) (context.Context, func(error)) {
	if e.TraceParent == "" {
		return ctx, func(error) {}
	}
	if !telemetry.Active() {
		h.Set(eventbus.HeaderTraceParent, e.TraceParent)
		if e.TraceState != "" {
			h.Set(eventbus.HeaderTraceState, e.TraceState)
		}
		return ctx, func(error) {}
	}
	ctx = propagator.Extract(ctx, propagation.MapCarrier{
		eventbus.HeaderTraceParent: e.TraceParent,
		eventbus.HeaderTraceState:  e.TraceState,
	})
	ctx, span := otel.Tracer(tracerName).Start(ctx, "publish "+e.Subject, trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(
			attribute.String("messaging.system", "nats"),
			attribute.String("messaging.operation.type", "send"),
			attribute.String("messaging.destination.name", e.Subject),
			attribute.String("messaging.message.id", e.ID),
		))
	propagator.Inject(ctx, eventbus.HeaderCarrier(h))
	if h.Get(eventbus.HeaderTraceParent) == "" {
		// A stored value the propagator cannot parse still travels as it
		// was: the consumer may understand it.
		h.Set(eventbus.HeaderTraceParent, e.TraceParent)
	}
	return ctx, telemetry.EndSpan(span, "publish failed")
}

// tracerName names this package's spans. The tracer is looked up at each
// span from the global provider, not kept: a tracer taken before
// telemetry.Setup (or a test's provider) would stay bound to the first
// provider ever set.
const tracerName = "github.com/titrepro/titrepro/internal/outbox"
