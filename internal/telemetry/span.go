package telemetry

import (
	"context"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// EndSpan returns the function that ends span once the work it covers is
// done: a non-nil error is recorded on the span, marked failed with
// description (e.g. "publish failed").
func EndSpan(span trace.Span, description string) func(error) {
	return func(err error) {
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, description)
		}
		span.End()
	}
}

// FlushTimeout bounds the last export of spans on the way out: a collector
// that is down must not hold a process's exit.
const FlushTimeout = 5 * time.Second

// Flush runs shutdown (what Setup returned) within FlushTimeout, so that
// the spans of the last requests are exported, and logs a failure.
func Flush(shutdown func(context.Context) error, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), FlushTimeout)
	defer cancel()
	if err := shutdown(ctx); err != nil {
		log.Warn("traces: flush on exit failed", "err", err)
	}
}
