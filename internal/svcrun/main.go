package svcrun

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"google.golang.org/grpc/health"
)

// Service is what a service's New returns, as far as Main needs.
type Service interface {
	// Run serves until ctx ends and returns nil after a clean shutdown.
	Run(ctx context.Context) error
	// Health is the service's gRPC health server: /readyz of the metrics
	// server reports it.
	Health() *health.Server
}

// Main is the whole main function of cmd/<name>: it runs the service until
// SIGINT or SIGTERM, then lets it drain. load reads the service's
// configuration from the environment (its LoadConfig); build makes the
// service from it and from the Standalone parts (LoadStandalone). Beside
// the service, Main serves /metrics, /healthz and /readyz on METRICS_ADDR
// (MetricsHandler) until the service has drained. Main
// logs why the service stopped and exits with status 1 when it failed;
// after a clean shutdown it returns.
//
//	func main() {
//		svcrun.Main("candidate", candidate.LoadConfig,
//			func(ctx context.Context, cfg candidate.Config, env *svcrun.Standalone) (*candidate.Service, error) {
//				return candidate.New(ctx, cfg, candidate.Deps{Logger: env.Log, Verifier: env.Verifier, JetStream: env.JetStream})
//			})
//	}
func Main[C any, S Service](name string, load func(getenv func(string) string) (C, error),
	build func(ctx context.Context, cfg C, env *Standalone) (S, error)) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := runMain(ctx, name, os.Getenv, load, build)
	stop()
	if err != nil {
		slog.Error(name+" stopped", "err", err)
		os.Exit(1)
	}
}

// runMain is Main without the process: signals, environment and exit.
func runMain[C any, S Service](ctx context.Context, name string, getenv func(string) string,
	load func(getenv func(string) string) (C, error), build func(ctx context.Context, cfg C, env *Standalone) (S, error)) error {
	cfg, err := load(getenv)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	env, err := LoadStandalone(ctx, name, getenv)
	if err != nil {
		return err
	}
	defer env.Close()
	svc, err := build(ctx, cfg, env)
	if err != nil {
		return err
	}
	if env.metricsListener == nil {
		return svc.Run(ctx)
	}
	env.Log.Info(name+" metrics", "addr", env.metricsListener.Addr().String())
	stop := serveMetrics(env.metricsListener, MetricsHandler(env.Metrics, svc.Health()))
	err = svc.Run(ctx)
	return errors.Join(err, stop())
}
