package grpcx

import (
	"errors"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc/codes"
)

// Metrics counts and times the calls of a server. One Metrics may serve
// several servers; the service label tells them apart.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers titrepro_grpc_requests_total{service,method,code} and
// titrepro_grpc_request_duration_seconds{service,method} on reg. When reg
// already holds them (several services in one process), the registered
// collectors are shared.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	requests, err := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "titrepro_grpc_requests_total",
		Help: "gRPC calls handled, by service, method and status code.",
	}, []string{"service", "method", "code"}))
	if err != nil {
		return nil, err
	}
	duration, err := register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "titrepro_grpc_request_duration_seconds",
		Help:    "Duration of gRPC calls, by service and method.",
		Buckets: prometheus.DefBuckets,
	}, []string{"service", "method"}))
	if err != nil {
		return nil, err
	}
	return &Metrics{requests: requests, duration: duration}, nil
}

func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	var zero C
	return zero, err
}

func (m *Metrics) observe(fullMethod string, code codes.Code, d time.Duration) {
	if m == nil {
		return
	}
	service, method := splitMethod(fullMethod)
	m.requests.WithLabelValues(service, method, code.String()).Inc()
	m.duration.WithLabelValues(service, method).Observe(d.Seconds())
}

// splitMethod splits "/pkg.Service/Method" into "pkg.Service" and "Method".
func splitMethod(fullMethod string) (service, method string) {
	service, method, ok := strings.Cut(strings.TrimPrefix(fullMethod, "/"), "/")
	if !ok {
		return "unknown", fullMethod
	}
	return service, method
}
