package grpcx

import (
	"context"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc/filters"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/titrepro/titrepro/internal/telemetry"
)

// Traces propagate as W3C trace context whatever the global propagator:
// it is the format of every hop, gRPC metadata and event headers alike.
var tracePropagator = propagation.TraceContext{}

// W3C trace context keys in gRPC metadata (lowercase, as gRPC sends them).
const (
	traceparentKey = "traceparent"
	tracestateKey  = "tracestate"
)

// serverTracing returns how NewServer traces calls when asked to. When
// tracing is Active (at construction: telemetry.Setup runs first) it is
// otelgrpc's stats handler, a server span per call, child of the caller's
// traceparent; it runs before the interceptors, so their log lines carry
// the trace id. Otherwise the request id interceptor only puts the caller's
// trace context in the call's context (carry): a metadata lookup, where a
// stats handler, even one doing nothing, makes grpc-go allocate its events
// for every call.
func serverTracing(enabled bool) (carry bool, opts []grpc.ServerOption) {
	if !enabled {
		return false, nil
	}
	if !telemetry.Active() {
		return true, nil
	}
	return false, []grpc.ServerOption{grpc.StatsHandler(otelgrpc.NewServerHandler(
		otelgrpc.WithPropagators(tracePropagator),
		// Probes would drown the traces.
		otelgrpc.WithFilter(filters.Not(filters.HealthCheck())),
	))}
}

// TracingDialOptions are the client counterpart of the server's tracing:
// when tracing is Active (at dial time), a client span per call
// (otelgrpc); in every case the context's trace is sent as traceparent
// metadata.
func TracingDialOptions() []grpc.DialOption {
	if !telemetry.Active() {
		return []grpc.DialOption{
			grpc.WithChainUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
				return invoker(injectTrace(ctx), method, req, reply, cc, opts...)
			}),
			grpc.WithChainStreamInterceptor(func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
				return streamer(injectTrace(ctx), desc, cc, method, opts...)
			}),
		}
	}
	return []grpc.DialOption{grpc.WithStatsHandler(otelgrpc.NewClientHandler(
		otelgrpc.WithPropagators(tracePropagator),
		otelgrpc.WithFilter(filters.Not(filters.HealthCheck())),
	))}
}

// extractTrace puts the caller's traceparent, if any, in ctx as a remote
// span context.
func extractTrace(ctx context.Context) context.Context {
	parent := metadata.ValueFromIncomingContext(ctx, traceparentKey)
	if len(parent) == 0 {
		return ctx
	}
	c := propagation.MapCarrier{traceparentKey: parent[0]}
	if state := metadata.ValueFromIncomingContext(ctx, tracestateKey); len(state) > 0 {
		c[tracestateKey] = state[0]
	}
	return tracePropagator.Extract(ctx, c)
}

// injectTrace sends the trace context of ctx, if any, as metadata.
func injectTrace(ctx context.Context) context.Context {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return ctx
	}
	c := propagation.MapCarrier{}
	tracePropagator.Inject(ctx, c)
	kv := make([]string, 0, 4)
	for k, v := range c {
		kv = append(kv, k, v)
	}
	return metadata.AppendToOutgoingContext(ctx, kv...)
}
