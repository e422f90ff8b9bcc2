// Command gateway runs the REST gateway alone, in front of services running
// elsewhere. Configuration: HTTP_ADDR (default :8080),
// CANDIDATE_SERVICE_ADDR, CERTIFICATION_SERVICE_ADDR, ASSESSMENT_SERVICE_ADDR,
// PORTFOLIO_SERVICE_ADDR (host:port, required; a comma-separated list of
// host:port balances the calls round robin over a service's replicas),
// SHUTDOWN_TIMEOUT (default 15s), MAX_DOCUMENT_BYTES (the portfolio
// service's, default 25 MiB) and the limits of gateway.LoadLimits
// (HTTP_MAX_BODY_BYTES, HTTP_BODY_TIMEOUT, RATE_LIMIT_ANONYMOUS…).
//
// The web application at "/" logs people in with OIDC_ISSUER (unset: the
// public pages only), OIDC_CLIENT_ID (default titrepro-web),
// OIDC_CLIENT_SECRET (empty: a public client), PUBLIC_URL (where browsers
// reach the gateway; required with OIDC_ISSUER) and WEB_COOKIE_KEY_FILE (the
// session cookie key, created 0600 when missing; every replica must share
// it). WEB_MARIANNE=true uses the Marianne font if it was vendored.
//
// Traces go to OTEL_EXPORTER_OTLP_ENDPOINT when it is set, with the other
// standard OTEL_* variables (service.name: OTEL_SERVICE_NAME, default
// gateway); see internal/telemetry.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/titrepro/titrepro/gateway"
	"github.com/titrepro/titrepro/gateway/web"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/telemetry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(telemetry.LogHandler(slog.NewJSONHandler(os.Stderr, nil)))
	if err := run(ctx, log); err != nil {
		log.Error("gateway stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, log *slog.Logger) error {
	addr := envOr("HTTP_ADDR", ":8080")
	drain, err := time.ParseDuration(envOr("SHUTDOWN_TIMEOUT", "15s"))
	if err != nil {
		return fmt.Errorf("SHUTDOWN_TIMEOUT: %w", err)
	}
	opts := gateway.Options{
		CandidateAddr:     os.Getenv("CANDIDATE_SERVICE_ADDR"),
		CertificationAddr: os.Getenv("CERTIFICATION_SERVICE_ADDR"),
		AssessmentAddr:    os.Getenv("ASSESSMENT_SERVICE_ADDR"),
		PortfolioAddr:     os.Getenv("PORTFOLIO_SERVICE_ADDR"),
		Logger:            log,
	}
	if opts.Limits, err = gateway.LoadLimits("", os.Getenv); err != nil {
		return err
	}
	if v := os.Getenv("MAX_DOCUMENT_BYTES"); v != "" {
		if opts.Uploads.MaxDocumentBytes, err = strconv.ParseInt(v, 10, 64); err != nil || opts.Uploads.MaxDocumentBytes <= 0 {
			return fmt.Errorf("MAX_DOCUMENT_BYTES: want a positive number of bytes, got %q", v)
		}
	}
	if opts.Web, err = webConfig(os.Getenv); err != nil {
		return err
	}
	if opts.CandidateAddr == "" || opts.CertificationAddr == "" || opts.AssessmentAddr == "" || opts.PortfolioAddr == "" {
		return errors.New("CANDIDATE_SERVICE_ADDR, CERTIFICATION_SERVICE_ADDR, ASSESSMENT_SERVICE_ADDR and PORTFOLIO_SERVICE_ADDR are required")
	}
	if opts.ServicesTLS, err = servicesTLS(os.Getenv); err != nil {
		return err
	}
	if opts.ServicesTLS == nil {
		if remote := remoteAddrs(opts.CandidateAddr, opts.CertificationAddr, opts.AssessmentAddr, opts.PortfolioAddr); len(remote) > 0 {
			log.Warn("services dialled in plaintext over the network: set SERVICES_TLS_CA_FILE, SERVICES_TLS_CERT_FILE and SERVICES_TLS_KEY_FILE (docs/tls.md)", "addrs", remote)
		}
	}
	shutdownTracing, err := telemetry.Setup(ctx, "gateway", os.Getenv)
	if err != nil {
		return err
	}
	// After the HTTP drain: flush what the last requests traced.
	defer telemetry.Flush(shutdownTracing, log)
	gw, err := gateway.New(ctx, opts)
	if err != nil {
		return err
	}
	defer gw.Close()
	srv := gw.NewServer(addr)
	if srv.TLSConfig, err = httpTLS(os.Getenv); err != nil {
		return err
	}
	log.Info("gateway listening", "addr", addr, "https", srv.TLSConfig != nil)
	return gateway.Serve(ctx, srv, drain)
}

// webConfig reads the web application's settings (see the package comment).
func webConfig(getenv func(string) string) (web.Config, error) {
	cfg := web.Config{
		IssuerURL:    strings.TrimRight(getenv("OIDC_ISSUER"), "/"),
		ClientID:     getenv("OIDC_CLIENT_ID"),
		ClientSecret: getenv("OIDC_CLIENT_SECRET"),
		PublicURL:    getenv("PUBLIC_URL"),
	}
	if v := getenv("WEB_MARIANNE"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return cfg, fmt.Errorf("WEB_MARIANNE: want true or false, got %q", v)
		}
		cfg.Marianne = on
	}
	if cfg.IssuerURL == "" {
		return cfg, nil
	}
	if cfg.PublicURL == "" {
		return cfg, errors.New("PUBLIC_URL is required with OIDC_ISSUER: the login's redirect URI is built on it")
	}
	keyFile := getenv("WEB_COOKIE_KEY_FILE")
	if keyFile == "" {
		return cfg, errors.New("WEB_COOKIE_KEY_FILE is required with OIDC_ISSUER: the session cookie key must survive restarts and be shared by every replica")
	}
	key, err := web.LoadOrCreateCookieKey(keyFile)
	if err != nil {
		return cfg, fmt.Errorf("WEB_COOKIE_KEY_FILE: %w", err)
	}
	cfg.CookieKey = key
	return cfg, nil
}

// servicesTLS reads SERVICES_TLS_CA_FILE, SERVICES_TLS_CERT_FILE and
// SERVICES_TLS_KEY_FILE: nil (plaintext) when none is set.
func servicesTLS(getenv func(string) string) (*tls.Config, error) {
	f := grpcx.TLSFiles{
		CAFile:   getenv("SERVICES_TLS_CA_FILE"),
		CertFile: getenv("SERVICES_TLS_CERT_FILE"),
		KeyFile:  getenv("SERVICES_TLS_KEY_FILE"),
	}
	switch {
	case f.IsZero():
		return nil, nil
	case f.CAFile == "":
		return nil, errors.New("SERVICES_TLS_CA_FILE is required with SERVICES_TLS_CERT_FILE and SERVICES_TLS_KEY_FILE: the services' certificate authority")
	case (f.CertFile == "") != (f.KeyFile == ""):
		return nil, errors.New("SERVICES_TLS_CERT_FILE and SERVICES_TLS_KEY_FILE go together: set both or neither")
	}
	cfg, err := grpcx.ClientTLS(f)
	if err != nil {
		return nil, fmt.Errorf("SERVICES_TLS_*: %w", err)
	}
	return cfg, nil
}

// httpTLS reads HTTP_TLS_CERT_FILE and HTTP_TLS_KEY_FILE (both or
// neither): nil serves plain HTTP. The certificate is read again when its
// files change, like the services'.
func httpTLS(getenv func(string) string) (*tls.Config, error) {
	f := grpcx.TLSFiles{CertFile: getenv("HTTP_TLS_CERT_FILE"), KeyFile: getenv("HTTP_TLS_KEY_FILE")}
	switch {
	case f.IsZero():
		return nil, nil
	case f.CertFile == "" || f.KeyFile == "":
		return nil, errors.New("HTTP_TLS_CERT_FILE and HTTP_TLS_KEY_FILE go together: set both or neither")
	}
	cfg, err := grpcx.ServerTLS(f)
	if err != nil {
		return nil, fmt.Errorf("HTTP_TLS_*: %w", err)
	}
	// Browsers and probes at the edge may not all speak TLS 1.3 yet; 1.2
	// with Go's default cipher suites is still sound (ANSSI guide TLS).
	cfg.MinVersion = tls.VersionTLS12
	return cfg, nil
}

// remoteAddrs returns the addresses that are not on this machine: a
// loopback IP or "localhost". A name that resolves to loopback elsewhere
// counts as remote; the warning is then a false alarm, not a silent leak.
func remoteAddrs(addrs ...string) []string {
	var remote []string
	var each []string // a service's replicas may be a comma-separated list
	for _, a := range addrs {
		each = append(each, strings.Split(a, ",")...)
	}
	for _, a := range each {
		a = strings.TrimSpace(a)
		host, _, err := net.SplitHostPort(strings.TrimPrefix(a, "dns:///"))
		if err != nil {
			host = a
		}
		if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || host == "localhost" {
			continue
		}
		remote = append(remote, a)
	}
	return remote
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
