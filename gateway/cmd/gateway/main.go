// Command gateway runs the REST gateway alone, in front of services running
// elsewhere. Configuration: HTTP_ADDR (default :8080),
// CANDIDATE_SERVICE_ADDR, CERTIFICATION_SERVICE_ADDR, ASSESSMENT_SERVICE_ADDR,
// PORTFOLIO_SERVICE_ADDR (host:port, required),
// SHUTDOWN_TIMEOUT (default 15s).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/titrepro/titrepro/gateway"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
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
	if opts.CandidateAddr == "" || opts.CertificationAddr == "" || opts.AssessmentAddr == "" || opts.PortfolioAddr == "" {
		return errors.New("CANDIDATE_SERVICE_ADDR, CERTIFICATION_SERVICE_ADDR, ASSESSMENT_SERVICE_ADDR and PORTFOLIO_SERVICE_ADDR are required")
	}
	gw, err := gateway.New(ctx, opts)
	if err != nil {
		return err
	}
	defer gw.Close()
	log.Info("gateway listening", "addr", addr)
	return gateway.Serve(ctx, &http.Server{Addr: addr, Handler: gw, ReadHeaderTimeout: 10 * time.Second}, drain)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
