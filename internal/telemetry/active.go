package telemetry

import (
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
)

// active is set once a recording TracerProvider is installed (Setup with an
// endpoint, or SetTracerProvider).
var active atomic.Bool

// Active reports whether spans are recorded. When they are not, the
// instrumentation of titrepro (grpcx, the gateway, eventbus) skips the
// OpenTelemetry handlers and only carries the W3C trace context along:
// a call then costs a header lookup, not the attributes, wrappers and
// metrics of a span nobody will see.
func Active() bool { return active.Load() }

// SetTracerProvider installs tp as the global provider and marks tracing
// active; tests use it with an in-memory recorder
// (go.opentelemetry.io/otel/sdk/trace/tracetest). A nil tp installs the
// no-op provider and marks tracing inactive.
func SetTracerProvider(tp trace.TracerProvider) {
	if tp == nil {
		active.Store(false)
		otel.SetTracerProvider(noopProvider)
		return
	}
	otel.SetTracerProvider(tp)
	active.Store(true)
}
