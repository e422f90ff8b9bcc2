// Command portfolio runs the portfolio service alone. Configuration is read
// from the environment: GRPC_ADDR, DATABASE_URL, SHUTDOWN_TIMEOUT, BLOB_URL,
// MAX_DOCUMENT_BYTES, MAX_DOSSIER_BYTES, MAX_DOCUMENTS (see
// portfolio.LoadConfig), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY with
// BLOB_URL=s3://… (read by the AWS SDK), and NATS_URL, AUTH_ISSUER,
// AUTH_AUDIENCE, AUTH_JWKS_URL, LOG_LEVEL, METRICS_ADDR (see
// svcrun.LoadStandalone).
package main

import (
	"context"

	"github.com/titrepro/titrepro/internal/svcrun"
	"github.com/titrepro/titrepro/services/portfolio"
)

func main() {
	svcrun.Main("portfolio", portfolio.LoadConfig, func(ctx context.Context, cfg portfolio.Config, env *svcrun.Standalone) (*portfolio.Service, error) {
		return portfolio.New(ctx, cfg, portfolio.Deps{Logger: env.Log, Verifier: env.Verifier, JetStream: env.JetStream, Metrics: env.Metrics})
	})
}
