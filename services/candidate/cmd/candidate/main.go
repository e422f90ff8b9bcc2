// Command candidate runs the candidate service alone. Configuration is read from the
// environment: GRPC_ADDR, DATABASE_URL, SHUTDOWN_TIMEOUT, SMTP_* and
// MAIL_PICKUP_DIR (see candidate.LoadConfig), and NATS_URL, AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL,
// LOG_LEVEL, METRICS_ADDR (see svcrun.LoadStandalone).
package main

import (
	"context"

	"github.com/titrepro/titrepro/internal/svcrun"
	"github.com/titrepro/titrepro/services/candidate"
)

func main() {
	svcrun.Main("candidate", candidate.LoadConfig, func(ctx context.Context, cfg candidate.Config, env *svcrun.Standalone) (*candidate.Service, error) {
		return candidate.New(ctx, cfg, candidate.Deps{Logger: env.Log, Verifier: env.Verifier, JetStream: env.JetStream, Metrics: env.Metrics})
	})
}
