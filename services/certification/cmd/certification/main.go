// Command certification runs the certification service alone. Configuration is read from the
// environment: GRPC_ADDR, DATABASE_URL, SHUTDOWN_TIMEOUT, REFERENTIELS_DIR,
// CERTIFICATE_KEY_FILE (see certification.LoadConfig), and NATS_URL, AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL,
// LOG_LEVEL, METRICS_ADDR (see svcrun.LoadStandalone).
package main

import (
	"context"

	"github.com/titrepro/titrepro/internal/svcrun"
	"github.com/titrepro/titrepro/services/certification"
)

func main() {
	svcrun.Main("certification", certification.LoadConfig, func(ctx context.Context, cfg certification.Config, env *svcrun.Standalone) (*certification.Service, error) {
		return certification.New(ctx, cfg, certification.Deps{Logger: env.Log, Verifier: env.Verifier, JetStream: env.JetStream, Metrics: env.Metrics})
	})
}
