// Package assessment is the assessment service: validation sessions
// planned by approved centres, their juries of habilitated jurors, the
// candidacies, the jurors' evaluations, the collegial deliberation and the
// signed minutes (procès-verbal). It publishes SessionPlanned,
// JurorAssigned, JurorUnassigned, CandidacyRegistered,
// CandidacyRecusalsChanged, FraudReported and MinutesSigned on
// the TITREPRO_ASSESSMENT stream through a transactional outbox, and keeps
// projections of the catalogue (TitleVersionPublished), of the candidates
// (CandidateRegistered, CandidateUpdated, and the bans of
// SanctionPronounced, R58), of the submitted dossiers
// (DossierSubmitted) and of the ministry's registers (AgrementGranted,
// AgrementWithdrawn, HabilitationGranted, HabilitationWithdrawn,
// JurorCharterAccepted).
//
// It is public so that the all-in-one binary (titrepro serve) can run it in
// process; cmd/assessment runs it alone. Build one with New and run it with
// Run.
//
// Decisions worth knowing as a client:
//   - Who may do what is in internal/app/authz: the centre of the token
//     manages its sessions; jurors (by token subject) act on the sessions
//     they sit on; candidates see their own candidacies without results;
//     ministry and admin read everything. A caller who may not read a
//     session gets PERMISSION_DENIED whether or not it exists.
//   - A session, its jury, candidacies, evaluations and minutes are one
//     aggregate with one version: concurrent changes are replayed on fresh
//     state by the service, so two jurors saving or signing at once both
//     succeed. Client etags (evaluation, optional on :open) guard against
//     lost updates and answer ABORTED when stale.
//   - The minutes' content_hash is the hex SHA-256 of the deterministic
//     protobuf encoding of MinutesContent (events.proto); a signature must
//     carry the current hash (R50). The last signature closes the session;
//     afterwards every write is FAILED_PRECONDITION SESSION_CLOSED.
//   - A candidacy keeps the candidate facts it needs (name, training
//     organisation for R21) and refreshes them from CandidateUpdated until
//     the session closes, so a new conflict of interest recuses the juror
//     at once.
package assessment

import (
	"context"
	"log/slog"
	"net"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc/health"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/internal/svcrun"

	"github.com/titrepro/titrepro/services/assessment/internal/adapters/pdf"
	"github.com/titrepro/titrepro/services/assessment/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/assessment/internal/app"
	"github.com/titrepro/titrepro/services/assessment/internal/ports"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// errorDomain is the ErrorInfo domain of the service's errors.
const errorDomain = "assessment.titrepro"

// Deps are the collaborators the caller provides.
type Deps struct {
	Logger    *slog.Logger        // default slog.Default(); every line gets service=assessment
	Verifier  auth.Verifier       // verifies access tokens; nil rejects every call
	JetStream jetstream.JetStream // required: the relay publishes through it and the consumers read from it
	// Listener is where gRPC is served; nil listens on Config.GRPCAddr.
	Listener net.Listener
	// Metrics is where the service registers its metrics (gRPC calls,
	// outbox and consumer lag); nil means none.
	Metrics prometheus.Registerer
	Now     func() time.Time // default time.Now
}

// Service is a built assessment service, ready to Run.
type Service struct {
	infra     *svcrun.Infra
	consumers *ports.Consumers
}

// New opens and migrates the database, makes sure the TITREPRO_ASSESSMENT
// stream exists, and prepares the gRPC server on Deps.Listener or on
// Config.GRPCAddr. The consumers start with Run. On error nothing is left
// open.
func New(ctx context.Context, cfg Config, deps Deps) (*Service, error) {
	in, err := svcrun.NewInfra(ctx, svcrun.InfraOptions{
		Name: "assessment", Config: svcrun.BaseConfig(cfg),
		Logger: deps.Logger, Verifier: deps.Verifier, JetStream: deps.JetStream, Listener: deps.Listener,
		Metrics:     deps.Metrics,
		ErrorDomain: errorDomain, PublicMethods: ports.PublicMethods,
		ServiceNames: []string{assessmentv1.AssessmentService_ServiceDesc.ServiceName},
		Migrate:      sqlstore.Migrate,
		Stream:       eventbus.ContextStream("assessment"),
	})
	if err != nil {
		return nil, err
	}
	// Times are kept to the microsecond that PostgreSQL stores, so that what
	// a call returns equals what a later read returns.
	clock := deps.Now
	if clock == nil {
		clock = time.Now
	}
	now := func() time.Time { return clock().UTC().Truncate(time.Microsecond) }
	db, ob := in.DB, in.Outbox
	sessions := sqlstore.NewSessionRepository(db, ob)
	a := app.New(app.Deps{
		Sessions:   sessions,
		Minutes:    sessions,
		Printer:    pdf.Printer{},
		Pairs:      sessions,
		History:    sessions,
		Titles:     sqlstore.NewTitleRepository(db, now),
		Candidates: sqlstore.NewCandidateRepository(db),
		Registers:  sqlstore.NewRegisterRepository(db),
		Hasher:     protoconv.MinutesHasher{},
		Now:        now,
	})
	consumers := ports.NewConsumers(a.Commands, func(tx *sqldb.Tx) ports.Repos {
		return ports.Repos{
			Sessions:   sqlstore.NewSessionRepositoryTx(tx, ob),
			Titles:     sqlstore.NewTitleRepository(tx, now),
			Candidates: sqlstore.NewCandidateRepository(tx),
			Registers:  sqlstore.NewRegisterRepository(tx),
		}
	}, in.Log, now)
	assessmentv1.RegisterAssessmentServiceServer(in.GRPC, ports.NewGRPCServer(a))
	return &Service{infra: in, consumers: consumers}, nil
}

// Addr returns the address the gRPC server listens on, e.g.
// "127.0.0.1:41234" when the listener was opened on port 0.
func (s *Service) Addr() string { return s.infra.Addr() }

// Health returns the gRPC health server, for callers that report readiness.
func (s *Service) Health() *health.Server { return s.infra.Health }

// Run serves gRPC, relays the outbox to JetStream and consumes the title,
// candidate and dossier events until ctx ends. Then it drains: health turns
// NOT_SERVING, calls in flight get Config.ShutdownTimeout to finish, the
// consumers stop after their event in flight, the relay stops, and the
// database is closed. It returns nil after a clean shutdown. Call it once.
func (s *Service) Run(ctx context.Context) error {
	return s.infra.Run(ctx, func(ctx context.Context) ([]*eventbus.Subscription, error) {
		return eventbus.SubscribeAll(ctx, s.infra.JetStream, s.infra.DB, s.infra.Log, s.consumers.All())
	})
}

// Close releases the listener and the database. Run calls it on its way
// out; call it yourself only for a Service that will never Run. It is safe
// to call more than once.
func (s *Service) Close() error { return s.infra.Close() }
