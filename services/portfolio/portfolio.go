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
//     dossier, and stored once per SHA-256 in the blob store (BLOB_URL). A
//     refused upload leaves nothing stored. Deleting a document from the
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
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"

	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/internal/svcrun"

	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/blobstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/app"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/command"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/ports"
)

// errorDomain is the ErrorInfo domain of the service's errors.
const errorDomain = "portfolio.titrepro"

// stream is the JetStream stream of the portfolio events.
var stream = eventbus.ContextStream("portfolio")

// Deps are the collaborators the caller provides.
type Deps struct {
	Logger    *slog.Logger        // default slog.Default(); every line gets service=portfolio
	Verifier  auth.Verifier       // verifies access tokens; nil rejects every call
	JetStream jetstream.JetStream // required: the relay publishes and the consumers read through it
	// Listener is where gRPC is served; nil listens on Config.GRPCAddr.
	Listener net.Listener
	Now      func() time.Time // default time.Now
}

// Service is a built portfolio service, ready to Run.
type Service struct {
	cfg       Config
	log       *slog.Logger
	js        jetstream.JetStream
	db        *sqldb.DB
	blobs     *blobstore.Store
	outbox    *outbox.Outbox
	grpc      *grpc.Server
	health    *health.Server
	lis       net.Listener
	consumers *ports.Consumers

	closeOnce sync.Once
	closeErr  error
}

// New opens and migrates the database, opens the blob store (creating its
// folder), makes sure the TITREPRO_PORTFOLIO stream exists, and prepares
// the gRPC server on Deps.Listener or on Config.GRPCAddr. On error nothing
// is left open.
func New(ctx context.Context, cfg Config, deps Deps) (*Service, error) {
	if deps.JetStream == nil {
		return nil, errors.New("portfolio: Deps.JetStream is required")
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	db, err := sqldb.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("portfolio: %w", err)
	}
	blobs, err := blobstore.Open(cfg.BlobURL)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("portfolio: %w", err), db.Close())
	}
	s, err := build(ctx, cfg, deps, db, blobs)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("portfolio: %w", err), blobs.Close(), db.Close())
	}
	return s, nil
}

// build does the work of New once the database and the blob store are
// open; New closes them when build fails.
func build(ctx context.Context, cfg Config, deps Deps, db *sqldb.DB, blobs *blobstore.Store) (*Service, error) {
	log := deps.Logger.With("service", "portfolio")
	for _, migrate := range []func(context.Context, *sqldb.DB) error{sqlstore.Migrate, outbox.Migrate, eventbus.Migrate} {
		if err := migrate(ctx, db); err != nil {
			return nil, err
		}
	}
	if err := eventbus.EnsureStream(ctx, deps.JetStream, stream); err != nil {
		return nil, err
	}
	ob := outbox.New(db)
	a := app.New(app.Deps{
		Dossiers:   sqlstore.NewDossierRepository(db, ob),
		Contents:   blobs,
		Candidates: sqlstore.NewCandidates(db),
		Titles:     sqlstore.NewTitles(db),
		Sessions:   sqlstore.NewSessions(db),
		Limits: command.UploadLimits{Dossier: dossier.Limits{
			MaxDocumentBytes: cfg.MaxDocumentBytes, MaxDossierBytes: cfg.MaxDossierBytes, MaxDocuments: cfg.MaxDocuments,
		}},
		Now: deps.Now,
	})

	srv, hs := grpcx.NewServer(grpcx.ServerOptions{
		Domain:        errorDomain,
		Logger:        log,
		Verifier:      deps.Verifier,
		PublicMethods: ports.PublicMethods,
	})
	portfoliov1.RegisterPortfolioServiceServer(srv, ports.NewGRPCServer(a))

	lis := deps.Listener
	if lis == nil {
		var err error
		if lis, err = net.Listen("tcp", cfg.GRPCAddr); err != nil {
			return nil, fmt.Errorf("listen on %s: %w", cfg.GRPCAddr, err)
		}
	}
	return &Service{
		cfg: cfg, log: log, js: deps.JetStream, db: db, blobs: blobs, outbox: ob,
		grpc: srv, health: hs, lis: lis, consumers: ports.NewConsumers(a, log),
	}, nil
}

// Addr returns the address the gRPC server listens on, e.g.
// "127.0.0.1:41234" when the listener was opened on port 0.
func (s *Service) Addr() string { return s.lis.Addr().String() }

// Health returns the gRPC health server, for callers that report readiness.
func (s *Service) Health() *health.Server { return s.health }

// Run serves gRPC, relays the outbox to JetStream and consumes the
// candidate, certification and assessment events until ctx ends. Then it
// drains: health turns NOT_SERVING, calls in flight (uploads included) get
// Config.ShutdownTimeout to finish, the consumers stop after their event in
// flight, the relay stops, and the database and blob store are closed. It
// returns nil after a clean shutdown. Call it once.
func (s *Service) Run(ctx context.Context) (err error) {
	defer func() { err = errors.Join(err, s.Close()) }()
	return svcrun.Run(ctx, svcrun.Options{
		Name: "portfolio", Log: s.log, GRPC: s.grpc, Health: s.health, Listener: s.lis,
		ServiceNames:    []string{portfoliov1.PortfolioService_ServiceDesc.ServiceName},
		Relay:           outbox.NewRelay(s.outbox, s.js, s.log, outbox.RelayOptions{Stream: stream.Name}),
		ShutdownTimeout: s.cfg.ShutdownTimeout,
		Subscribe: func(ctx context.Context) ([]*eventbus.Subscription, error) {
			return s.consumers.Subscribe(ctx, s.js, s.db)
		},
	})
}

// Close releases the listener, the blob store and the database. Run calls
// it on its way out; call it yourself only for a Service that will never
// Run. It is safe to call more than once.
func (s *Service) Close() error {
	s.closeOnce.Do(func() {
		// After Serve the listener is already closed; that is not an error.
		if err := s.lis.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			s.closeErr = err
		}
		s.closeErr = errors.Join(s.closeErr, s.blobs.Close(), s.db.Close())
	})
	return s.closeErr
}
