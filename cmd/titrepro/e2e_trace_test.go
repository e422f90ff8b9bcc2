package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/internal/telemetry"
)

// A REST call that registers a candidate is one trace, from the caller's
// traceparent to the services that consume the event: gateway HTTP span →
// gRPC client → candidate's gRPC server span → its db.tx → outbox publish →
// consume in the assessment service → the assessment's db.tx (ADR 0017).
// Not parallel: the tracer provider is the process's.
func TestEndToEndTraceFromGatewayToConsumer(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	telemetry.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
	t.Cleanup(func() { telemetry.SetTracerProvider(nil) })

	s := startServer(t, testConfig(t, t.TempDir()))
	centre := s.mustToken(t, "centre", "centre-user-1", "CENTRE-69-001")

	const traceID = "0af7651916cd43dd8448eb211c80319c"
	raw, err := json.Marshal(validCandidate("Traced", "traced@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", s.base+"/v1/candidates", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+centre)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("traceparent", "00-"+traceID+"-b7ad6b7169203331-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create candidate = HTTP %d", resp.StatusCode)
	}

	const subject = "titrepro.candidate.v1.candidate_registered"
	var spans []sdktrace.ReadOnlySpan
	var consumerTx sdktrace.ReadOnlySpan
	eventually(t, "the assessment service's transaction of the consumed event is traced", func() bool {
		spans = nil
		for _, sp := range rec.Ended() {
			if sp.SpanContext().TraceID().String() == traceID {
				spans = append(spans, sp)
			}
		}
		consume := find(spans, func(sp sdktrace.ReadOnlySpan) bool {
			return sp.Name() == "consume "+subject && attr(sp, "messaging.consumer.group.name") == "assessment_candidates"
		})
		if consume == nil {
			return false
		}
		consumerTx = find(spans, func(sp sdktrace.ReadOnlySpan) bool {
			return sp.Name() == "db.tx" && sp.Parent().SpanID() == consume.SpanContext().SpanID()
		})
		return consumerTx != nil
	})

	byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
	for _, sp := range spans {
		byID[sp.SpanContext().SpanID()] = sp
	}
	// Walk up from the consumer's transaction to the gateway.
	var chain []string
	for sp := consumerTx; sp != nil; sp = byID[sp.Parent().SpanID()] {
		chain = append([]string{sp.SpanKind().String() + " " + sp.Name()}, chain...)
	}
	want := []string{
		"server POST /v1/candidates",
		"client titrepro.candidate.v1.CandidateService/CreateCandidate",
		"server titrepro.candidate.v1.CandidateService/CreateCandidate",
		"client db.tx",
		"producer publish " + subject,
		"consumer consume " + subject,
		"client db.tx",
	}
	if strings.Join(chain, "\n") != strings.Join(want, "\n") {
		t.Fatalf("chain of spans from the gateway:\n  %s\nwant:\n  %s", strings.Join(chain, "\n  "), strings.Join(want, "\n  "))
	}
	if root := topmost(consumerTx, byID); root.Parent().SpanID().String() != "b7ad6b7169203331" {
		t.Errorf("the gateway span's parent = %s, want the caller's b7ad6b7169203331", root.Parent().SpanID())
	}
}

// topmost returns the topmost ancestor of sp among the recorded spans.
func topmost(sp sdktrace.ReadOnlySpan, byID map[trace.SpanID]sdktrace.ReadOnlySpan) sdktrace.ReadOnlySpan {
	for byID[sp.Parent().SpanID()] != nil {
		sp = byID[sp.Parent().SpanID()]
	}
	return sp
}

func find(spans []sdktrace.ReadOnlySpan, match func(sdktrace.ReadOnlySpan) bool) sdktrace.ReadOnlySpan {
	for _, sp := range spans {
		if match(sp) {
			return sp
		}
	}
	return nil
}

func attr(sp sdktrace.ReadOnlySpan, key string) string {
	for _, a := range sp.Attributes() {
		if string(a.Key) == key {
			return a.Value.Emit()
		}
	}
	return ""
}

// Without tracing configured nothing records, but the caller's trace
// context still goes from the gateway through the candidate service to the
// event it writes, so that the consumers' log lines carry the same trace
// id.
func TestEndToEndTraceContextWithoutExporter(t *testing.T) {
	telemetry.SetTracerProvider(nil)
	dataDir := t.TempDir()
	s := startServer(t, testConfig(t, dataDir))
	centre := s.mustToken(t, "centre", "centre-user-1", "CENTRE-69-001")

	const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	raw, err := json.Marshal(validCandidate("Carried", "carried@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", s.base+"/v1/candidates", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+centre)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("traceparent", traceparent)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create candidate = HTTP %d", resp.StatusCode)
	}

	db, err := sqldb.Open(context.Background(), "sqlite://"+filepath.Join(dataDir, "candidate.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stored string
	if err := db.QueryRowContext(context.Background(),
		`SELECT trace_parent FROM outbox WHERE subject = 'titrepro.candidate.v1.candidate_registered'`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != traceparent {
		t.Errorf("the event's trace_parent = %q, want the caller's %q", stored, traceparent)
	}
}
