package sqldb

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// startTxSpan starts the "db.tx" span of one InTx call, only when the
// caller's span records: without an exporter, or outside any traced call,
// a transaction costs no span at all. end records err and ends the span.
func (db *DB) startTxSpan(ctx context.Context) (context.Context, func(err error, attempts int)) {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return ctx, func(error, int) {}
	}
	ctx, span := otel.Tracer(tracerName).Start(ctx, "db.tx", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system.name", db.Dialect.systemName())))
	return ctx, func(err error, attempts int) {
		if attempts > 1 {
			span.SetAttributes(attribute.Int("db.tx.attempts", attempts))
		}
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, "transaction failed")
		}
		span.End()
	}
}

// systemName is the OpenTelemetry db.system.name of the dialect.
func (d Dialect) systemName() string {
	if d == DialectPostgres {
		return "postgresql"
	}
	return string(d)
}

// SpanContext is the trace context the transaction runs in: its "db.tx"
// span, or the caller's span when none was started (it may be a remote
// parent carried without recording). The outbox stores it with the events
// the transaction writes, so that their consumers join the same trace.
func (tx *Tx) SpanContext() trace.SpanContext { return tx.spanContext }

// tracerName names this package's spans. The tracer is looked up at each
// span from the global provider, not kept: a tracer taken before
// telemetry.Setup (or a test's provider) would stay bound to the first
// provider ever set.
const tracerName = "github.com/titrepro/titrepro/internal/sqldb"
