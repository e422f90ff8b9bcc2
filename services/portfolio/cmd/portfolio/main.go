// Command portfolio runs the portfolio service alone. Configuration is read
// from the environment: GRPC_ADDR, DATABASE_URL, SHUTDOWN_TIMEOUT, BLOB_URL,
// MAX_DOCUMENT_BYTES, MAX_DOSSIER_BYTES, MAX_DOCUMENTS (see
// portfolio.LoadConfig), and NATS_URL, AUTH_ISSUER, AUTH_AUDIENCE,
// AUTH_JWKS_URL, LOG_LEVEL (see svcrun.LoadStandalone).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/titrepro/titrepro/internal/svcrun"
	"github.com/titrepro/titrepro/services/portfolio"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		slog.Error("portfolio stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cfg, err := portfolio.LoadConfig(os.Getenv)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	env, err := svcrun.LoadStandalone(ctx, "portfolio", os.Getenv)
	if err != nil {
		return err
	}
	defer env.Close()
	svc, err := portfolio.New(ctx, cfg, portfolio.Deps{Logger: env.Log, Verifier: env.Verifier, JetStream: env.JetStream})
	if err != nil {
		return err
	}
	return svc.Run(ctx)
}
