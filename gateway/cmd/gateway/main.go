// Command gateway runs the REST gateway alone, in front of services running
// elsewhere. Configuration: HTTP_ADDR (default :8080),
// CANDIDATE_SERVICE_ADDR, CERTIFICATION_SERVICE_ADDR, ASSESSMENT_SERVICE_ADDR,
// PORTFOLIO_SERVICE_ADDR (host:port, required),
// SHUTDOWN_TIMEOUT (default 15s), MAX_DOCUMENT_BYTES (the portfolio
// service's, default 25 MiB) and the limits of gateway.LoadLimits
// (HTTP_MAX_BODY_BYTES, HTTP_BODY_TIMEOUT, RATE_LIMIT_ANONYMOUS…).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
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
	if opts.Limits, err = gateway.LoadLimits("", os.Getenv); err != nil {
		return err
	}
	if v := os.Getenv("MAX_DOCUMENT_BYTES"); v != "" {
		if opts.Uploads.MaxDocumentBytes, err = strconv.ParseInt(v, 10, 64); err != nil || opts.Uploads.MaxDocumentBytes <= 0 {
			return fmt.Errorf("MAX_DOCUMENT_BYTES: want a positive number of bytes, got %q", v)
		}
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
	return gateway.Serve(ctx, gw.NewServer(addr), drain)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
