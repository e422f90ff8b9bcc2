// Package certification is the certification service: the catalogue of
// titres professionnels (loaded from the referential files at start and
// imported by the ministry); each person's certification record, which
// starts with the holder identity projected from the candidate events; the
// sessions' signed minutes (from the assessment events), which the ministry
// validates; and the awards that validation makes: CCPs entering records,
// titres and livrets issued as signed certificates, and the events of the
// ministry stream (CcpAwarded, TitleAwarded, LivretIssued).
//
// It is public so that the all-in-one binary (titrepro serve) can run it in
// process; cmd/certification runs it alone. Build one with New and run it
// with Run.
package certification

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc/health"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/keyfile"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/internal/svcrun"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/pdf"
	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/credential"
	"github.com/titrepro/titrepro/services/certification/internal/ports"
)

// errorDomain is the ErrorInfo domain of the service's errors.
const errorDomain = "certification.titrepro"

// Deps are the collaborators the caller provides.
type Deps struct {
	Logger    *slog.Logger        // default slog.Default(); every line gets service=certification
	Verifier  auth.Verifier       // verifies access tokens; nil rejects every token (public methods still work)
	JetStream jetstream.JetStream // required
	// Listener is where gRPC is served; nil listens on Config.GRPCAddr.
	Listener net.Listener
	// Metrics is where the service registers its metrics (gRPC calls,
	// outbox and consumer lag); nil means none.
	Metrics prometheus.Registerer
	// Referentiels holds the title files loaded at start; nil reads
	// Config.ReferentielsDir. The all-in-one passes an embedded copy.
	Referentiels fs.FS
	// SigningKey signs certificates; nil loads (or creates)
	// Config.SigningKeyFile. The all-in-one passes the key of its data
	// folder.
	SigningKey ed25519.PrivateKey
	Now        func() time.Time // default time.Now
}

// Service is a built certification service, ready to Run.
type Service struct {
	infra     *svcrun.Infra
	consumers *ports.Consumers
}

// New opens and migrates the database, makes sure the event streams exist,
// loads the catalogue from the referential files and prepares the gRPC
// server. It fails, leaving nothing open, when the files are invalid or
// contradict the published catalogue: the error names the file, and the
// line and field or the version.
func New(ctx context.Context, cfg Config, deps Deps) (*Service, error) {
	in, err := svcrun.NewInfra(ctx, svcrun.InfraOptions{
		Name: "certification", Config: cfg.base(),
		Logger: deps.Logger, Verifier: deps.Verifier, JetStream: deps.JetStream, Listener: deps.Listener,
		Metrics:     deps.Metrics,
		ErrorDomain: errorDomain, PublicMethods: ports.PublicMethods,
		ServiceNames: []string{certificationv1.CertificationService_ServiceDesc.ServiceName},
		Migrate:      sqlstore.Migrate,
		Stream:       eventbus.ContextStream("certification"),
	})
	if err != nil {
		return nil, err
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	s, err := build(ctx, cfg, deps, in)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("certification: %w", err), in.Close())
	}
	return s, nil
}

// build does the work of New once the infrastructure is up; New closes it
// when build fails.
func build(ctx context.Context, cfg Config, deps Deps, in *svcrun.Infra) (*Service, error) {
	log, now, db, ob := in.Log, deps.Now, in.DB, in.Outbox
	certificates := sqlstore.NewCertificateRepository(db)
	signer, err := loadSigner(ctx, cfg, deps, log, certificates)
	if err != nil {
		return nil, err
	}
	keys, err := loadKeyring(cfg, signer, log)
	if err != nil {
		return nil, err
	}

	// A Config built in code may leave PublicURL unset: LoadConfig's default.
	issuer, err := credential.NewIssuer(cmp.Or(cfg.PublicURL, DefaultPublicURL))
	if err != nil {
		return nil, fmt.Errorf("PUBLIC_URL %q: %w", cfg.PublicURL, err)
	}

	titles := sqlstore.NewTitleRepository(db, ob)
	holders := sqlstore.NewHolderRepository(db)
	results := sqlstore.NewResultRepository(db)
	records := sqlstore.NewRecordRepository(db)
	registers := sqlstore.NewRegisterRepository(db, ob)
	decisions := sqlstore.NewDecisionStore(db, ob)
	a := app.Application{
		Commands: app.Commands{
			LoadCatalogue:  command.NewLoadCatalogueHandler(titles, now),
			ImportTitle:    command.NewImportTitleHandler(titles, now),
			RecordHolder:   command.NewRecordHolderHandler(),
			RecordResult:   command.NewRecordResultHandler(),
			ValidateResult: command.NewValidateResultHandler(sqlstore.NewValidationStore(db, ob), signer, now, rand.Reader),
			ReturnResult:   command.NewReturnResultHandler(sqlstore.NewValidationStore(db, ob), now),
			Registers:      command.NewRegistersHandler(registers, titles, now),
			CpfDeposit: command.NewCpfDepositHandler(sqlstore.NewCpfDepositRepository(db), certificates, holders, titles,
				cfg.CpfDeposit, now, newFluxID),
			Decisions: command.NewDecisionsHandler(decisions, now, newFluxID, cfg.AppealDeadlineMonths),
		},
		Queries: app.Queries{
			ListTitles:        query.NewListTitlesHandler(titles),
			GetTitle:          query.NewGetTitleHandler(titles),
			GetRecord:         query.NewGetRecordHandler(holders, records, certificates, results).WithTitles(titles),
			ListResults:       query.NewListResultsHandler(results),
			GetResult:         query.NewGetResultHandler(results),
			GetCertificate:    query.NewGetCertificateHandler(certificates, holders),
			ListCertificates:  query.NewListCertificatesHandler(certificates, holders),
			VerifyCertificate: query.NewVerifyCertificateHandler(certificates, keys, decisions),
			CertificateKeys:   query.NewCertificateKeysHandler(keys, signer.KeyID()),
			ResultSheet:       query.NewResultSheetHandler(results, holders, records, titles, pdf.Printer{}),
			Parchment: query.NewParchmentHandler(query.NewGetCertificateHandler(certificates, holders), titles, signer,
				cfg.PublicURL, pdf.Printer{}, now),
			Credentials: query.NewCredentialsHandler(query.NewGetCertificateHandler(certificates, holders), titles, signer,
				keys, issuer, certificates, now),
			Registers: query.NewRegistersHandler(registers),
			Decisions: query.NewDecisionsHandler(decisions, holders),
		},
	}

	refs, from := deps.Referentiels, "Deps.Referentiels"
	if refs == nil {
		refs, from = os.DirFS(cfg.ReferentielsDir), "folder "+cfg.ReferentielsDir
	}
	loaded, err := a.Commands.LoadCatalogue.Handle(ctx, refs)
	if err != nil {
		return nil, fmt.Errorf("load referentials from %s: %w", from, err)
	}
	log.Info("catalogue loaded", "files", loaded.Files, "published", loaded.Published)

	certificationv1.RegisterCertificationServiceServer(in.GRPC, ports.NewGRPCServer(a))
	return &Service{
		infra: in,
		consumers: ports.NewConsumers(a.Commands, func(tx *sqldb.Tx) ports.Repos {
			return ports.Repos{
				Holders: sqlstore.NewHolderRepositoryTx(tx),
				Results: sqlstore.NewResultRepositoryTx(tx),
			}
		}, log, now),
	}, nil
}

// loadSigner returns the signer of Deps.SigningKey or, without one, of the
// key in Config.SigningKeyFile, created at first start. A missing key file
// is created only while no certificate was issued: once there are, it was
// lost (a disk, a restore that forgot it) and a new key would leave every
// certificate unverifiable, so the service refuses to start and says so.
func loadSigner(ctx context.Context, cfg Config, deps Deps, log *slog.Logger, certificates *sqlstore.CertificateRepository) (*certificate.Signer, error) {
	key := deps.SigningKey
	if key == nil {
		if cfg.SigningKeyFile == "" {
			return nil, errors.New("no certificate signing key: set Config.SigningKeyFile or Deps.SigningKey")
		}
		mayCreate := func() error {
			n, err := certificates.Count(ctx)
			if err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("the certificate signing key %s is missing, but %d certificates were signed with it: "+
					"put the key back from a backup (titrepro restore, or the copy of the file); "+
					"a new key would make every issued certificate fail verification", cfg.SigningKeyFile, n)
			}
			return nil
		}
		loaded, created, err := keyfile.LoadOrCreate(cfg.SigningKeyFile, mayCreate)
		if err != nil {
			return nil, err
		}
		key = loaded
		if created {
			log.Warn("certificate signing key created: back it up, certificates cannot be verified without it",
				"file", cfg.SigningKeyFile)
		}
	}
	signer, err := certificate.NewSigner(key)
	if err != nil {
		return nil, err
	}
	log.Info("certificate signing key loaded", "key_id", signer.KeyID())
	return signer, nil
}

// Addr returns the address the gRPC server listens on, e.g.
// "127.0.0.1:41234" when the listener was opened on port 0.
func (s *Service) Addr() string { return s.infra.Addr() }

// Health returns the gRPC health server, for callers that report readiness.
func (s *Service) Health() *health.Server { return s.infra.Health }

// Run serves gRPC, relays the outbox to JetStream and consumes the
// candidate and assessment events until ctx ends. Then it drains: health turns
// NOT_SERVING, calls in flight get Config.ShutdownTimeout to finish, the
// consumer stops after its event in flight, the relay stops, and the
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

// newFluxID makes the idFlux of a CPF deposit file: a UUID (36 characters,
// within the schema's 50).
func newFluxID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	return id.String(), nil
}
