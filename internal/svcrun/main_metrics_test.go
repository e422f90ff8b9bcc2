package svcrun

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/health"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/titrepro/titrepro/internal/natstest"
)

// drainingService is a service whose steps the test paces: it turns
// SERVING when started, NOT_SERVING when ctx ends, then drains until
// released.
type drainingService struct {
	hs                       *health.Server
	start, serving, draining chan struct{}
	release                  chan struct{}
}

func newDrainingService() *drainingService {
	hs := health.NewServer()
	hs.SetServingStatus("", healthgrpc.HealthCheckResponse_NOT_SERVING) // as NewInfra leaves it
	return &drainingService{hs: hs, start: make(chan struct{}), serving: make(chan struct{}),
		draining: make(chan struct{}), release: make(chan struct{})}
}

func (s *drainingService) Health() *health.Server { return s.hs }

func (s *drainingService) Run(ctx context.Context) error {
	<-s.start
	s.hs.SetServingStatus("", healthgrpc.HealthCheckResponse_SERVING)
	close(s.serving)
	<-ctx.Done()
	s.hs.Shutdown()
	close(s.draining)
	<-s.release
	return nil
}

func status(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// TestRunMainServesMetrics checks the METRICS_ADDR server of a standalone
// service: /healthz while the process is up, /readyz only while the
// service is SERVING (not before, not while draining), /metrics with the
// registry the service was given, and nothing left listening afterwards.
func TestRunMainServesMetrics(t *testing.T) {
	t.Parallel()
	ns := natstest.RunJetStream(t)
	env := map[string]string{"AUTH_ISSUER": "https://idp", "NATS_URL": ns.ClientURL(),
		"NATS_NKEY_SEED_FILE": adminSeedFile(t, ns), "METRICS_ADDR": "127.0.0.1:0"}
	svc := newDrainingService()
	addr := make(chan string, 1)
	build := func(ctx context.Context, _ fakeConfig, s *Standalone) (*drainingService, error) {
		addr <- s.metricsListener.Addr().String()
		return svc, nil
	}
	load := func(func(string) string) (fakeConfig, error) { return fakeConfig{}, nil }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- runMain(ctx, "test", func(k string) string { return env[k] }, load, build) }()
	base := "http://" + <-addr

	eventuallyStatus := func(path string, want int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			res, err := http.Get(base + path)
			if err == nil {
				res.Body.Close()
				if res.StatusCode == want {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("GET %s: %v %v; want %d", path, res, err, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	eventuallyStatus("/healthz", http.StatusOK)
	if code, _ := status(t, base+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz before the service serves = %d; want 503", code)
	}
	close(svc.start)
	<-svc.serving
	if code, body := status(t, base+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz while serving = %d %q; want 200", code, body)
	}
	if code, body := status(t, base+"/metrics"); code != http.StatusOK || !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics = %d, without go_goroutines:\n%.300s", code, body)
	}

	cancel()
	<-svc.draining
	if code, _ := status(t, base+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz while draining = %d; want 503", code)
	}
	if code, _ := status(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz while draining = %d; want 200", code)
	}
	close(svc.release)
	if err := <-done; err != nil {
		t.Fatalf("runMain() = %v", err)
	}
	if res, err := http.Get(base + "/healthz"); err == nil {
		res.Body.Close()
		t.Error("the metrics server still answers after runMain returned")
	}
}
