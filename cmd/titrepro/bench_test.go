package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// BenchmarkGetTitle compares the same read through gRPC directly and through
// the REST gateway (reliability doc targets P1 and P2): the difference is
// the gateway's cost. Run with `make bench`; the figures are printed, never
// asserted.
func BenchmarkGetTitle(b *testing.B) {
	cfg := testConfig(b, b.TempDir())
	cfg.LogLevel = slog.LevelError // one log line per request would dominate the figures
	s := startServer(b, cfg).base
	b.Run("grpc", func(b *testing.B) {
		conn, err := grpc.NewClient(cfg.CertificationAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		client := certificationv1.NewCertificationServiceClient(conn)
		ctx := context.Background()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := client.GetTitle(ctx, &certificationv1.GetTitleRequest{TitleId: "TP-00495"}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("rest", func(b *testing.B) {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				resp, err := client.Get(s + "/v1/titles/TP-00495")
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		})
	})
}
