package svcrun

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc/health"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
)

// DefaultMetricsAddr is where a standalone service serves /metrics,
// /healthz and /readyz when METRICS_ADDR is not set.
const DefaultMetricsAddr = ":9464"

// MetricsHandler serves the Prometheus metrics of reg on /metrics, 200 on
// /healthz while the process is up, and on /readyz 200 when hs reports the
// service ("") SERVING, 503 otherwise: before Run and from the start of the
// drain on, so that a load balancer stops sending calls first.
func MetricsHandler(reg prometheus.Gatherer, hs *health.Server) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		res, err := hs.Check(r.Context(), &healthgrpc.HealthCheckRequest{})
		if err != nil || res.GetStatus() != healthgrpc.HealthCheckResponse_SERVING {
			http.Error(w, "not serving", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	return mux
}

// serveMetrics serves h on lis until the returned stop is called; stop
// waits up to a few seconds for scrapes in flight.
func serveMetrics(lis net.Listener, h http.Handler) (stop func() error) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	return func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := srv.Shutdown(ctx)
		if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
			err = errors.Join(err, serveErr)
		}
		return err
	}
}
