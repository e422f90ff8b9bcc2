package svcrun

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/telemetry"
)

// Standalone is what a service needs when it runs as its own process: a
// logger, a token verifier for the identity provider, JetStream, and the
// registry of its metrics.
type Standalone struct {
	Log       *slog.Logger
	Verifier  auth.Verifier
	JetStream jetstream.JetStream
	// Metrics holds the Go and process collectors; the service registers
	// its own on it (Deps.Metrics) and Main serves it on METRICS_ADDR.
	Metrics *prometheus.Registry
	conn    *nats.Conn
	// metricsListener listens on METRICS_ADDR; nil when it is "off".
	metricsListener net.Listener
	// shutdownTracing flushes the spans not yet exported (telemetry.Setup).
	shutdownTracing func(context.Context) error
}

// Close closes the NATS connection and the metrics listener, and flushes
// the traces.
func (s *Standalone) Close() {
	s.conn.Close()
	if s.metricsListener != nil {
		_ = s.metricsListener.Close() // already closed once served
	}
	if s.shutdownTracing != nil {
		telemetry.Flush(s.shutdownTracing, s.Log)
	}
}

// LoadStandalone reads LOG_LEVEL (info), AUTH_ISSUER (required),
// AUTH_AUDIENCE (titrepro), AUTH_JWKS_URL (default: the issuer's
// /.well-known/jwks.json), AUTH_MAX_TOKEN_LIFETIME (12h: longest exp − iat
// accepted), METRICS_ADDR (DefaultMetricsAddr; "off": no metrics server),
// the NATS settings (LoadNATS), NATS_STREAM_REPLICAS (LoadStreamReplicas)
// and the OTEL_* variables of tracing (telemetry.Setup; service.name
// defaults to name), listens on METRICS_ADDR, and connects to NATS as the
// service's identity. Log lines logged with a traced context carry
// trace_id and span_id.
func LoadStandalone(ctx context.Context, name string, getenv func(string) string) (*Standalone, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cmp.Or(getenv("LOG_LEVEL"), "info"))); err != nil {
		return nil, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	log := slog.New(telemetry.LogHandler(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
	// The issuer is compared with "iss" byte for byte: keep it as given.
	issuer := getenv("AUTH_ISSUER")
	if issuer == "" {
		return nil, fmt.Errorf("AUTH_ISSUER is required (the identity provider's issuer URL)")
	}
	maxLifetime := auth.DefaultMaxLifetime
	if v := getenv("AUTH_MAX_TOKEN_LIFETIME"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("AUTH_MAX_TOKEN_LIFETIME: want a positive duration such as 12h, got %q", v)
		}
		maxLifetime = d
	}
	verifier, err := auth.NewJWKSVerifier(auth.VerifierOptions{
		Issuer:      issuer,
		Audience:    cmp.Or(getenv("AUTH_AUDIENCE"), "titrepro"),
		JWKSURL:     cmp.Or(getenv("AUTH_JWKS_URL"), strings.TrimRight(issuer, "/")+"/.well-known/jwks.json"),
		MaxLifetime: maxLifetime,
	})
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	metricsAddr := cmp.Or(getenv("METRICS_ADDR"), DefaultMetricsAddr)
	if metricsAddr != "off" {
		if _, _, err := net.SplitHostPort(metricsAddr); err != nil {
			return nil, fmt.Errorf("METRICS_ADDR: want host:port or off: %w", err)
		}
	}
	natsCfg, err := LoadNATS(getenv)
	if err != nil {
		return nil, err
	}
	replicas, err := LoadStreamReplicas(getenv)
	if err != nil {
		return nil, err
	}
	auth, err := natsCfg.Options(name)
	if err != nil {
		return nil, err
	}
	var metricsLis net.Listener
	if metricsAddr != "off" {
		if metricsLis, err = net.Listen("tcp", metricsAddr); err != nil {
			return nil, fmt.Errorf("METRICS_ADDR: %w", err)
		}
	}
	nc, err := nats.Connect(natsCfg.URL, append(eventbus.ConnectOptions(name, log), auth...)...)
	if err != nil {
		closeListener(metricsLis)
		return nil, fmt.Errorf("nats: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		closeListener(metricsLis)
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	shutdownTracing, err := telemetry.Setup(ctx, name, getenv)
	if err != nil {
		nc.Close()
		closeListener(metricsLis)
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return &Standalone{Log: log, Verifier: verifier, JetStream: withReplicas(js, replicas), Metrics: reg, conn: nc,
		metricsListener: metricsLis, shutdownTracing: shutdownTracing}, nil
}

func closeListener(lis net.Listener) {
	if lis != nil {
		_ = lis.Close()
	}
}
