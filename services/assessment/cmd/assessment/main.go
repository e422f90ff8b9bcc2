// Command assessment runs the assessment service alone. Configuration is read from the
// environment: GRPC_ADDR, DATABASE_URL, SHUTDOWN_TIMEOUT (see
// assessment.LoadConfig), and NATS_URL, AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL,
// LOG_LEVEL, METRICS_ADDR (see svcrun.LoadStandalone).
package main

import (
	"context"

	"github.com/titrepro/titrepro/internal/svcrun"
	"github.com/titrepro/titrepro/services/assessment"
)

func main() {
	svcrun.Main("assessment", assessment.LoadConfig, func(ctx context.Context, cfg assessment.Config, env *svcrun.Standalone) (*assessment.Service, error) {
		return assessment.New(ctx, cfg, assessment.Deps{Logger: env.Log, Verifier: env.Verifier, JetStream: env.JetStream, Metrics: env.Metrics})
	})
}
