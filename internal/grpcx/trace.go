package grpcx

import (
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc/filters"
	"go.opentelemetry.io/otel/propagation"
	"google.golang.org/grpc"
)

// Traces propagate as W3C trace context whatever the global propagator:
// it is the format of every hop, gRPC metadata and event headers alike.
var tracePropagator = propagation.TraceContext{}

// TracingServerOption is the stats handler that opens a server span per
// call, child of the caller's traceparent, with the global tracer provider
// (telemetry.Setup). It runs before the interceptors, so their log lines
// carry the trace id. Health checks are left out: probes would drown the
// traces.
func TracingServerOption() grpc.ServerOption {
	return grpc.StatsHandler(otelgrpc.NewServerHandler(
		otelgrpc.WithPropagators(tracePropagator),
		otelgrpc.WithFilter(filters.Not(filters.HealthCheck())),
	))
}

// TracingDialOption is the client counterpart of TracingServerOption: a
// client span per call, whose context travels as traceparent metadata.
func TracingDialOption() grpc.DialOption {
	return grpc.WithStatsHandler(otelgrpc.NewClientHandler(
		otelgrpc.WithPropagators(tracePropagator),
		otelgrpc.WithFilter(filters.Not(filters.HealthCheck())),
	))
}
