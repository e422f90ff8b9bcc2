// Package candidate is the candidate service: it registers the people who
// seek a titre professionnel (civil identity, contact, access route and its
// evidence), answers who may read or change them, and publishes
// CandidateRegistered and CandidateUpdated on the TITREPRO_CANDIDATE stream
// through a transactional outbox.
//
// It is public so that the all-in-one binary (titrepro serve) can run it in
// process; cmd/candidate runs it alone. Build one with New and run it with
// Run.
//
// Decisions worth knowing as a client:
//   - Who may do what is in internal/app/authz. A caller who may not read a
//     candidate gets PERMISSION_DENIED whether or not it exists; only
//     ministry and admin, who read everything, ever see NOT_FOUND.
//   - R25 at registration: a VAE admissibility is valid through its decision
//     date plus one year. Creating a candidate with one that has already
//     lapsed, or updating the route evidence to one, fails with
//     FAILED_PRECONDITION, reason VAE_ADMISSIBILITY_EXPIRED, rule R25. An
//     update that does not touch the route or its evidence is not refused
//     because the admissibility lapsed since; registering for a session
//     checks R25 against the session date.
//   - Updates need the etag (ABORTED when stale) and an update mask (an
//     empty mask, "*", unknown and output-only paths are INVALID_ARGUMENT;
//     "etag" in the mask is ignored, as grpc-gateway derives the mask from a
//     PATCH body). "subject" can be set once, by the registering centre.
//     An update that changes nothing is a success without a new version.
//   - Notifications (issue 8 §8, ADR 0014): the service follows the
//     assessment and certification events and e-mails, in French, each
//     candidate's and juror's convocation, the changes of their sessions,
//     and each candidate's results once the ministry validated the minutes
//     (R51), exactly once through a mail outbox written in the events'
//     inbox transactions; SMTP per Config.Mail, or .eml files in a pickup
//     folder without a server (notify.go, MailAdmin for operators).
//   - Idempotent create (AIP-155): the same caller and request_id return the
//     first record; the same request_id with other content is
//     ALREADY_EXISTS, reason REQUEST_ID_REUSED.
package candidate

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

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/svcrun"

	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/candidate/internal/app"
	"github.com/titrepro/titrepro/services/candidate/internal/app/notify"
	"github.com/titrepro/titrepro/services/candidate/internal/ports"
)

// errorDomain is the ErrorInfo domain of the service's errors.
const errorDomain = "candidate.titrepro"

// Deps are the collaborators the caller provides.
type Deps struct {
	Logger    *slog.Logger        // default slog.Default()
	Verifier  auth.Verifier       // verifies access tokens; nil rejects every call
	JetStream jetstream.JetStream // required: the relay publishes the events through it
	// Listener is where gRPC is served; nil listens on Config.GRPCAddr.
	Listener net.Listener
	// Metrics is where the service registers its metrics (gRPC calls,
	// outbox and consumer lag); nil means none.
	Metrics prometheus.Registerer
	Now     func() time.Time // default time.Now
	// MailFirstRetry is the wait after a first failed sending attempt,
	// doubling at each attempt; 0 means 30s. Tests shorten it.
	MailFirstRetry time.Duration
}

// Service is a built candidate service, ready to Run.
type Service struct {
	infra  *svcrun.Infra
	notify *notifications // the notification consumers and the mail relay (notify.go)
}

// New opens and migrates the database, makes sure the TITREPRO_CANDIDATE
// stream exists, and prepares the gRPC server on Deps.Listener or on
// Config.GRPCAddr. On error nothing is left open.
func New(ctx context.Context, cfg Config, deps Deps) (*Service, error) {
	in, err := svcrun.NewInfra(ctx, svcrun.InfraOptions{
		Name: "candidate", Config: cfg.base(),
		Logger: deps.Logger, Verifier: deps.Verifier, JetStream: deps.JetStream, Listener: deps.Listener,
		Metrics:     deps.Metrics,
		ErrorDomain: errorDomain, PublicMethods: ports.PublicMethods,
		ServiceNames: []string{candidatev1.CandidateService_ServiceDesc.ServiceName},
		Migrate:      sqlstore.Migrate,
		Stream:       eventbus.ContextStream("candidate"),
	})
	if err != nil {
		return nil, err
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	n, err := newNotifications(in, cfg.Mail, now, deps.MailFirstRetry)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("candidate: %w", err), in.Close())
	}
	// A sanction is told to the person in the transaction that records it
	// (R58): the service pronounces it, no consumer needed.
	sanctions := sqlstore.NewSanctionRepository(in.DB, in.Outbox).Telling(notify.New(now).SanctionPronounced, n.relay.Wake, now)
	a := app.New(sqlstore.NewCandidateRepository(in.DB, in.Outbox),
		app.Sanctions{Repo: sanctions, MaxBanMonths: cfg.MaxBanMonths}, now)
	candidatev1.RegisterCandidateServiceServer(in.GRPC, ports.NewGRPCServer(a))
	return &Service{infra: in, notify: n}, nil
}

// Addr returns the address the gRPC server listens on, e.g.
// "127.0.0.1:41234" when the listener was opened on port 0.
func (s *Service) Addr() string { return s.infra.Addr() }

// Health returns the gRPC health server, for callers that report readiness.
func (s *Service) Health() *health.Server { return s.infra.Health }

// Run serves gRPC, relays the outbox to JetStream, consumes the assessment
// and certification events the notifications need and sends the mail
// outbox until ctx ends. Then it drains: health turns NOT_SERVING, calls in
// flight get Config.ShutdownTimeout to finish, the consumers stop after
// their event in flight, the relay stops after publishing what those calls
// committed, the mail relay after recording the message in hand, and the
// database is closed. It returns nil after a clean shutdown. Call it once.
func (s *Service) Run(ctx context.Context) error {
	s.notify.start(ctx)
	return s.infra.Run(ctx, func(ctx context.Context) ([]*eventbus.Subscription, error) {
		return eventbus.SubscribeAll(ctx, s.infra.JetStream, s.infra.DB, s.infra.Log, s.notify.consumers.All())
	})
}

// Close releases the listener and the database. Run calls it on its way
// out; call it yourself only for a Service that will never Run. It is safe
// to call more than once.
func (s *Service) Close() error { return s.infra.Close() }
