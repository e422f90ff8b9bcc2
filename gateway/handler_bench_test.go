package gateway_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/titrepro/titrepro/gateway"
)

// BenchmarkHandlerGetTitle runs a public REST read through the gateway's
// handler, without the HTTP server, against a real gRPC server: its
// allocations per request are the gateway's own and those of the gRPC
// hop (client and server), exact where CPU time on a shared machine is not.
func BenchmarkHandlerGetTitle(b *testing.B) {
	// Both log as in production, to nowhere.
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	defer slog.SetDefault(prev)
	addr := startBackend(b)
	gw, err := gateway.New(context.Background(), gateway.Options{
		CandidateAddr: "127.0.0.1:1", CertificationAddr: addr, AssessmentAddr: "127.0.0.1:1", PortfolioAddr: "127.0.0.1:1",
		// One client address: the anonymous rate limit would refuse it.
		Limits: gateway.Limits{AnonymousPerMinute: -1},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer gw.Close()
	req := httptest.NewRequest(http.MethodGet, "/v1/titles/TP-00495", nil)
	req.Header.Set("User-Agent", "Go-http-client/1.1")
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("X-Request-Id", "bench-request-0001")
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("GET = %d: %s", w.Code, w.Body)
		}
	}
}
