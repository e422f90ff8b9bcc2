package eventbus

import (
	"context"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/titrepro/titrepro/internal/telemetry"
)

// The traceparent and tracestate headers are part of the event contract
// (docs/events.md), read as W3C trace context whatever the process's
// global propagator.
var (
	tracePropagator = propagation.TraceContext{}
)

// startConsumeSpan continues the producer's trace from the message
// headers: the handler, its transaction and the events it writes in turn
// run in a "consume <subject>" span, child of the relay's publish span.
// When tracing is not Active, the producer's trace context alone is put in
// ctx: it still reaches the logs and the outbox.
func startConsumeSpan(ctx context.Context, h nats.Header, msg Message, durable string) (context.Context, func(error)) {
	ctx = tracePropagator.Extract(ctx, HeaderCarrier(h))
	if !telemetry.Active() {
		return ctx, func(error) {}
	}
	ctx, span := otel.Tracer(tracerName).Start(ctx, "consume "+msg.Subject, trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(
			attribute.String("messaging.system", "nats"),
			attribute.String("messaging.operation.type", "process"),
			attribute.String("messaging.destination.name", msg.Subject),
			attribute.String("messaging.consumer.group.name", durable),
			attribute.String("messaging.message.id", msg.ID),
		))
	return ctx, telemetry.EndSpan(span, "handler failed")
}

// tracerName names this package's spans. The tracer is looked up at each
// span from the global provider, not kept: a tracer taken before
// telemetry.Setup (or a test's provider) would stay bound to the first
// provider ever set.
const tracerName = "github.com/titrepro/titrepro/internal/eventbus"
