// Package telemetry sets up OpenTelemetry tracing the same way in every
// titrepro process (the standalone services, the gateway, the all-in-one
// server): one TracerProvider from the standard OTEL_* environment, the W3C
// TraceContext propagator, and a slog handler that puts the trace id on log
// lines (LogHandler).
//
// Without OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) nothing is
// exported and no SDK is installed (Active is false): the instrumentation
// then only carries an incoming traceparent through gRPC metadata, the
// transaction and event headers, so that a caller's trace id still reaches
// the logs of every service it touches, at the cost of a header lookup
// (docs/adr/0017-tracing.md).
package telemetry

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

var noopProvider = noop.NewTracerProvider()

// Propagator is the one propagation format of titrepro: W3C traceparent
// and tracestate, in HTTP headers, gRPC metadata and event headers alike.
var Propagator propagation.TextMapPropagator = propagation.TraceContext{}

// Setup installs the W3C TraceContext propagator globally and, when an OTLP
// endpoint is configured, a TracerProvider exporting to it through a batch
// span processor. service is the default service.name (OTEL_SERVICE_NAME
// wins). The exporters read the rest of the standard variables themselves
// (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _CERTIFICATE, _INSECURE…), as do
// the sampler (OTEL_TRACES_SAMPLER) and the batch processor (OTEL_BSP_*).
//
// The returned shutdown flushes the spans still buffered and stops the
// exporter; call it once on the way out. It is a no-op without exporter.
func Setup(ctx context.Context, service string, getenv func(string) string) (shutdown func(context.Context) error, err error) {
	otel.SetTextMapPropagator(Propagator)
	noop := func(context.Context) error { return nil }
	if strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") || !Enabled(getenv) {
		return noop, nil
	}
	if v := getenv("OTEL_TRACES_EXPORTER"); v != "" && v != "otlp" {
		if v == "none" {
			return noop, nil
		}
		return nil, fmt.Errorf("OTEL_TRACES_EXPORTER: only otlp and none are supported, got %q", v)
	}
	exp, err := newExporter(ctx, getenv)
	if err != nil {
		return nil, err
	}
	// resource.Default reads OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME;
	// the merge puts our default name under them.
	res, err := resource.Merge(
		resource.NewSchemaless(attribute.String("service.name", service)),
		resource.Default(),
	)
	if err != nil && !errors.Is(err, resource.ErrSchemaURLConflict) {
		return nil, fmt.Errorf("OTEL_RESOURCE_ATTRIBUTES: %w", err)
	}
	if name := getenv("OTEL_SERVICE_NAME"); name != "" {
		res, _ = resource.Merge(res, resource.NewSchemaless(attribute.String("service.name", name)))
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	SetTracerProvider(tp)
	return tp.Shutdown, nil
}

// Enabled reports whether the environment names an OTLP endpoint for traces.
func Enabled(getenv func(string) string) bool {
	return cmp.Or(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), getenv("OTEL_EXPORTER_OTLP_ENDPOINT")) != ""
}

// newExporter returns the OTLP exporter of OTEL_EXPORTER_OTLP_PROTOCOL
// (…_TRACES_PROTOCOL wins): http/protobuf, the specification's default, or
// grpc. The endpoint is passed explicitly, as the specification builds it:
// …_TRACES_ENDPOINT as it is, else OTEL_EXPORTER_OTLP_ENDPOINT plus
// /v1/traces over HTTP. An http:// endpoint means no TLS.
func newExporter(ctx context.Context, getenv func(string) string) (sdktrace.SpanExporter, error) {
	protocol := cmp.Or(getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"), getenv("OTEL_EXPORTER_OTLP_PROTOCOL"), "http/protobuf")
	traces, base := getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
	var (
		exp sdktrace.SpanExporter
		err error
	)
	switch protocol {
	case "http/protobuf":
		if traces == "" {
			traces = strings.TrimRight(base, "/") + "/v1/traces"
		}
		exp, err = otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(traces))
	case "grpc":
		exp, err = otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(cmp.Or(traces, base)))
	default:
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL: want http/protobuf or grpc, got %q", protocol)
	}
	if err != nil {
		return nil, fmt.Errorf("otlp trace exporter: %w", err)
	}
	return exp, nil
}
