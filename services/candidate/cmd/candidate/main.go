// Command candidate runs the candidate service alone. Configuration is read
// from the environment: GRPC_ADDR, DATABASE_URL, SHUTDOWN_TIMEOUT (see
// candidate.LoadConfig), NATS_URL, AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL
// and LOG_LEVEL.
package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/candidate"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		slog.Error("candidate stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cmp.Or(os.Getenv("LOG_LEVEL"), "info"))); err != nil {
		return fmt.Errorf("LOG_LEVEL: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	cfg, err := candidate.LoadConfig(os.Getenv)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	verifier, err := auth.NewJWKSVerifier(auth.VerifierOptions{
		Issuer:   os.Getenv("AUTH_ISSUER"),
		Audience: cmp.Or(os.Getenv("AUTH_AUDIENCE"), "titrepro"),
		JWKSURL:  os.Getenv("AUTH_JWKS_URL"),
	})
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	nc, err := nats.Connect(cmp.Or(os.Getenv("NATS_URL"), nats.DefaultURL), nats.Name("candidate"), nats.MaxReconnects(-1))
	if err != nil {
		return fmt.Errorf("nats: %w", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	svc, err := candidate.New(ctx, cfg, candidate.Deps{Logger: log, Verifier: verifier, JetStream: js})
	if err != nil {
		return err
	}
	return svc.Run(ctx)
}
