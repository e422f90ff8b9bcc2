package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func TestLogHandlerAddsTraceIDInsideASpan(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	var buf bytes.Buffer
	log := slog.New(LogHandler(slog.NewJSONHandler(&buf, nil))).With("service", "test")

	ctx, span := tp.Tracer("test").Start(context.Background(), "request")
	log.InfoContext(ctx, "inside")
	span.End()
	log.InfoContext(context.Background(), "outside")

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", buf.String())
	}
	var inside, outside map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &inside); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &outside); err != nil {
		t.Fatal(err)
	}
	sc := span.SpanContext()
	if inside["trace_id"] != sc.TraceID().String() || inside["span_id"] != sc.SpanID().String() || inside["service"] != "test" {
		t.Errorf("line inside the span = %v, want trace_id %s span_id %s", inside, sc.TraceID(), sc.SpanID())
	}
	if _, ok := outside["trace_id"]; ok {
		t.Errorf("line outside any span has a trace_id: %v", outside)
	}
}

// Without an endpoint, Setup installs the propagator only: an incoming
// traceparent still flows through the API's non-recording spans.
func TestSetupWithoutEndpointPropagatesOnly(t *testing.T) {
	shutdown, err := Setup(context.Background(), "svc", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(context.Background())
	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	ctx := otel.GetTextMapPropagator().Extract(context.Background(), propagation.MapCarrier{"traceparent": parent})
	ctx, span := otel.Tracer("test").Start(ctx, "child")
	defer span.End()
	if span.IsRecording() {
		t.Error("span records without an exporter")
	}
	out := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(ctx, out)
	if out["traceparent"] != parent {
		t.Errorf("traceparent carried on = %q, want %q", out["traceparent"], parent)
	}
}

// With an endpoint, spans reach an OTLP/HTTP receiver, at the latest when
// shutdown flushes them, with the service name as resource.
func TestSetupExportsToTheOTLPEndpoint(t *testing.T) {
	var (
		mu     sync.Mutex
		bodies [][]byte
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		if r.URL.Path == "/v1/traces" {
			bodies = append(bodies, b)
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer srv.Close()
	env := map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": srv.URL, "OTEL_SERVICE_NAME": "candidate-eu"}
	shutdown, err := Setup(context.Background(), "candidate", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { SetTracerProvider(nil) })
	_, span := otel.Tracer("test").Start(context.Background(), "exported-span")
	if !span.IsRecording() {
		t.Fatal("span does not record with an exporter")
	}
	span.End()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	all := bytes.Join(bodies, nil)
	// The body is protobuf: strings appear as they are.
	if !bytes.Contains(all, []byte("exported-span")) || !bytes.Contains(all, []byte("candidate-eu")) {
		t.Errorf("receiver got %d requests without the span and service name", len(bodies))
	}
}

func TestSetupRejectsAnUnknownProtocol(t *testing.T) {
	env := map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}
	if _, err := Setup(context.Background(), "svc", func(k string) string { return env[k] }); err == nil ||
		!strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_PROTOCOL") {
		t.Errorf("err = %v, want one naming OTEL_EXPORTER_OTLP_PROTOCOL", err)
	}
}

var _ trace.Tracer = otel.Tracer("")
