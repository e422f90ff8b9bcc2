// Package portfolio is the portfolio service: the candidates' Dossiers
// Professionnels (domain.md §7) — the draft each candidate writes for a
// title version, its documents, and the immutable snapshots submitted for
// sessions — and the DossierSubmitted events on the TITREPRO_PORTFOLIO
// stream, published through a transactional outbox.
//
// It is public so that the all-in-one binary (titrepro serve) can run it in
// process; cmd/portfolio runs it alone. Build one with New and run it with
// Run.
//
// Decisions worth knowing as a client:
//   - Who may do what is in internal/app/authz: the owner (the candidate
//     whose subject the candidate record carries) does everything with a
//     dossier; the centre and the jurors of a session read the snapshots
//     submitted for it and their documents; ministry and admin read all.
//     A caller who may not read a dossier gets PERMISSION_DENIED whether or
//     not it exists.
//   - The cover is derived from the candidate record and the title (R42),
//     never typed. The service learns candidates, titles and sessions from
//     the events of the candidate, certification and assessment services:
//     a dossier can be created only once the candidate's record and the
//     title reached it (FAILED_PRECONDITION CANDIDATE_UNKNOWN or
//     TITLE_UNKNOWN before), and submitted only once the session did
//     (SESSION_UNKNOWN). Clients retry these for a few seconds.
//   - Drafts may be incomplete; submission checks R35, R36, R38 and R42
//     and refuses with FAILED_PRECONDITION DOSSIER_INCOMPLETE naming the
//     rule and every field to complete. A snapshot never changes (R41); its
//     manifest hash covers the content and every document.
//   - Documents: uploads stream (gRPC client streaming, or REST through
//     the gateway's DocumentRoutes), are sniffed for an allowed type (PDF,
//     PNG, JPEG, OpenDocument, Office Open XML), limited per file and per
//     dossier, and stored once per SHA-256 in the blob store (BLOB_URL: a
//     folder, or an S3-compatible object store shared by the replicas). A
//     refused upload leaves nothing stored; an accepted one is on disk, or
//     acknowledged by the object store, before its row commits. A download whose stored content no longer
//     matches its size and SHA-256 fails with DATA_LOSS, reason
//     BLOB_INTEGRITY, and is never served as content. Deleting a document from the
//     draft keeps its content: snapshots may name it, and contents are
//     shared by hash (collecting unreferenced contents is an operator job
//     this service does not run).
package portfolio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc/health"

	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/internal/svcrun"

	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/blobstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/app"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/command"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/filetype"
	"github.com/titrepro/titrepro/services/portfolio/internal/ports"
)

// errorDomain is the ErrorInfo domain of the service's errors.
const errorDomain = "portfolio.titrepro"

// Deps are the collaborators the caller provides.
type Deps struct {
	Logger    *slog.Logger        // default slog.Default(); every line gets service=portfolio
	Verifier  auth.Verifier       // verifies access tokens; nil rejects every call
	JetStream jetstream.JetStream // required: the relay publishes and the consumers read through it
	// Listener is where gRPC is served; nil listens on Config.GRPCAddr.
	Listener net.Listener
	Now      func() time.Time // default time.Now
	// Metrics is where the service registers its metrics (gRPC calls,
	// outbox and consumer lag, titrepro_blob_errors_total); nil registers
	// nothing, the counters still count.
	Metrics prometheus.Registerer
}

// NewBlobErrors returns the counter of failed blob store operations,
// titrepro_blob_errors_total{operation}: write, read, commit, delete, list,
// exists, and verify for a content found missing or different. Every
// operation starts at 0, so that the series exist before the first failure
// (an alert on their increase needs them).
func NewBlobErrors() *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "titrepro_blob_errors_total",
		Help: "Failed operations of the portfolio blob store (document contents), by operation; verify counts contents found missing or different.",
	}, []string{"operation"})
	for _, op := range blobstore.Operations() {
		c.WithLabelValues(op)
	}
	return c
}

// Service is a built portfolio service, ready to Run.
type Service struct {
	infra     *svcrun.Infra
	consumers *ports.Consumers
}

// New opens and migrates the database, opens the blob store (creating its
// folder), makes sure the TITREPRO_PORTFOLIO stream exists, and prepares
// the gRPC server on Deps.Listener or on Config.GRPCAddr. On error nothing
// is left open.
func New(ctx context.Context, cfg Config, deps Deps) (*Service, error) {
	in, err := svcrun.NewInfra(ctx, svcrun.InfraOptions{
		Name: "portfolio", Config: cfg.base(),
		Logger: deps.Logger, Verifier: deps.Verifier, JetStream: deps.JetStream, Listener: deps.Listener,
		Metrics:     deps.Metrics,
		ErrorDomain: errorDomain, PublicMethods: ports.PublicMethods,
		ServiceNames: []string{portfoliov1.PortfolioService_ServiceDesc.ServiceName},
		Migrate:      sqlstore.Migrate,
		Stream:       eventbus.ContextStream("portfolio"),
	})
	if err != nil {
		return nil, err
	}
	blobErrors := NewBlobErrors()
	if deps.Metrics != nil {
		if err := deps.Metrics.Register(blobErrors); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return nil, errors.Join(fmt.Errorf("portfolio: register metrics: %w", err), in.Close())
			}
			blobErrors = are.ExistingCollector.(*prometheus.CounterVec)
		}
	}
	blobs, err := blobstore.Open(ctx, cfg.BlobURL, blobstore.Options{Errors: blobErrors})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("portfolio: %w", err), in.Close())
	}
	in.Own(blobs)
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	db := in.DB
	a := app.New(app.Deps{
		Dossiers:    sqlstore.NewDossierRepository(db, in.Outbox),
		Contents:    blobs,
		Candidates:  sqlstore.NewCandidates(db),
		Titles:      sqlstore.NewTitles(db),
		Sessions:    sqlstore.NewSessions(db),
		Candidacies: sqlstore.NewCandidacies(db),
		Schedules:   sqlstore.NewSchedules(db),
		Limits: command.UploadLimits{
			Dossier: dossier.Limits{
				MaxDocumentBytes: cfg.MaxDocumentBytes, MaxDossierBytes: cfg.MaxDossierBytes, MaxDocuments: cfg.MaxDocuments,
			},
			Inspect: filetype.Limits{MaxUnpackedBytes: uint64(cfg.MaxUnpackedBytes)},
		},
		Now: now,
	})
	portfoliov1.RegisterPortfolioServiceServer(in.GRPC, ports.NewGRPCServer(a))
	consumers := ports.NewConsumers(a.Commands, func(tx *sqldb.Tx) ports.Repos {
		return ports.Repos{
			Candidates:  sqlstore.NewCandidatesTx(tx),
			Titles:      sqlstore.NewTitlesTx(tx),
			Sessions:    sqlstore.NewSessionsTx(tx),
			Candidacies: sqlstore.NewCandidaciesTx(tx),
			Schedules:   sqlstore.NewSchedulesTx(tx),
		}
	}, in.Log)
	return &Service{infra: in, consumers: consumers}, nil
}

// Addr returns the address the gRPC server listens on, e.g.
// "127.0.0.1:41234" when the listener was opened on port 0.
func (s *Service) Addr() string { return s.infra.Addr() }

// Health returns the gRPC health server, for callers that report readiness.
func (s *Service) Health() *health.Server { return s.infra.Health }

// Run serves gRPC, relays the outbox to JetStream and consumes the
// candidate, certification and assessment events until ctx ends. Then it
// drains: health turns NOT_SERVING, calls in flight (uploads included) get
// Config.ShutdownTimeout to finish, the consumers stop after their event in
// flight, the relay stops, and the database and blob store are closed. It
// returns nil after a clean shutdown. Call it once.
func (s *Service) Run(ctx context.Context) error {
	return s.infra.Run(ctx, func(ctx context.Context) ([]*eventbus.Subscription, error) {
		return eventbus.SubscribeAll(ctx, s.infra.JetStream, s.infra.DB, s.infra.Log, s.consumers.All())
	})
}

// Close releases the listener, the blob store and the database. Run calls
// it on its way out; call it yourself only for a Service that will never
// Run. It is safe to call more than once.
func (s *Service) Close() error { return s.infra.Close() }
