package svcrun

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// InfraOptions describe the infrastructure of one service: what NewInfra
// builds before the service wires its application on it.
type InfraOptions struct {
	// Name is the service's name, e.g. "candidate": every log line gets
	// service=Name and every error of NewInfra starts with "Name: ".
	Name   string
	Config BaseConfig
	// The service's Deps, passed through.
	Logger    *slog.Logger        // default slog.Default()
	Verifier  auth.Verifier       // nil rejects every token: only public methods work
	JetStream jetstream.JetStream // required: the relay publishes through it, consumers read from it
	Listener  net.Listener        // where gRPC is served; nil listens on Config.GRPCAddr. Close closes it.
	// ErrorDomain is the ErrorInfo domain of the service's errors, e.g.
	// "candidate.titrepro".
	ErrorDomain string
	// PublicMethods are the full method names callable without a token.
	PublicMethods []string
	// ServiceNames are the gRPC services the service registers on
	// Infra.GRPC; Run reports them SERVING.
	ServiceNames []string
	// Migrate creates or upgrades the service's own tables; nil when it has
	// none. The outbox and inbox tables are migrated after it.
	Migrate func(ctx context.Context, db *sqldb.DB) error
	// Stream is the service's own stream: NewInfra makes sure it exists,
	// and the outbox relay publishes to it.
	Stream eventbus.StreamConfig
	// Metrics is where the service's metrics are registered: its gRPC
	// calls (titrepro_grpc_*), its outbox and consumer lag (lag.go). Nil
	// means no metrics. Services of one process may share one registry.
	Metrics prometheus.Registerer
}

// Infra is what every service runs on: its database and outbox, its gRPC
// server (interceptors and health service included) and listener, and
// JetStream. A service registers its gRPC service on GRPC, builds its
// application on DB and Outbox, and runs with Run.
type Infra struct {
	Name      string
	Log       *slog.Logger // with service=Name
	JetStream jetstream.JetStream
	DB        *sqldb.DB
	Outbox    *outbox.Outbox
	GRPC      *grpc.Server
	Health    *health.Server
	Listener  net.Listener
	// Metrics is InfraOptions.Metrics, for the service's own metrics
	// (the portfolio's blob store errors); nil when there are none.
	Metrics prometheus.Registerer

	lag             *lagCollector // nil without metrics
	serviceNames    []string
	stream          string
	shutdownTimeout time.Duration

	closers   []io.Closer
	closeOnce sync.Once
	closeErr  error
}

// NewInfra opens the database at o.Config.DatabaseURL, migrates the
// service's schema, the outbox and the inbox, makes sure o.Stream exists,
// creates the gRPC server and listens on o.Config.GRPCAddr unless
// o.Listener is given. On error nothing it opened is left open.
func NewInfra(ctx context.Context, o InfraOptions) (*Infra, error) {
	if o.JetStream == nil {
		return nil, fmt.Errorf("%s: Deps.JetStream is required", o.Name)
	}
	db, err := sqldb.Open(ctx, o.Config.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Name, err)
	}
	in, err := newInfra(ctx, o, db)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("%s: %w", o.Name, err), db.Close())
	}
	return in, nil
}

// newInfra does the work of NewInfra once the database is open; NewInfra
// closes it when newInfra fails.
func newInfra(ctx context.Context, o InfraOptions, db *sqldb.DB) (*Infra, error) {
	migrations := []func(context.Context, *sqldb.DB) error{outbox.Migrate, eventbus.Migrate}
	if o.Migrate != nil {
		migrations = append([]func(context.Context, *sqldb.DB) error{o.Migrate}, migrations...)
	}
	for _, migrate := range migrations {
		if err := migrate(ctx, db); err != nil {
			return nil, err
		}
	}
	if err := eventbus.EnsureStream(ctx, o.JetStream, o.Stream); err != nil {
		return nil, err
	}
	log := cmp.Or(o.Logger, slog.Default()).With("service", o.Name)
	var tlsCfg *tls.Config
	if !o.Config.GRPCTLS.IsZero() {
		var err error
		if tlsCfg, err = grpcx.ServerTLS(o.Config.GRPCTLS); err != nil {
			return nil, fmt.Errorf("GRPC_TLS_*: %w", err)
		}
	}
	ob := outbox.New(db)
	var grpcMetrics *grpcx.Metrics
	var lag *lagCollector
	if o.Metrics != nil {
		var err error
		if grpcMetrics, err = grpcx.NewMetrics(o.Metrics); err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
		lag = newLagCollector(o.Name, ob, o.JetStream)
		if err := o.Metrics.Register(lag); err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
	}
	srv, hs := grpcx.NewServer(grpcx.ServerOptions{
		TLS:           tlsCfg,
		Domain:        o.ErrorDomain,
		Logger:        log,
		Verifier:      o.Verifier,
		PublicMethods: o.PublicMethods,
		Metrics:       grpcMetrics,
		Tracing:       true,
	})
	// Not ready until Run has started the consumers (readiness, /readyz).
	hs.SetServingStatus("", healthgrpc.HealthCheckResponse_NOT_SERVING)
	lis := o.Listener
	if lis == nil {
		var err error
		if lis, err = net.Listen("tcp", o.Config.GRPCAddr); err != nil {
			if lag != nil {
				o.Metrics.Unregister(lag)
			}
			return nil, fmt.Errorf("listen on %s: %w", o.Config.GRPCAddr, err)
		}
	}
	if tlsCfg == nil && !isLoopback(lis.Addr()) {
		log.Warn("gRPC served in plaintext beyond this machine: set GRPC_TLS_CERT_FILE, GRPC_TLS_KEY_FILE and GRPC_TLS_CLIENT_CA_FILE (docs/tls.md)",
			"addr", lis.Addr().String())
	}
	return &Infra{
		Name: o.Name, Log: log, JetStream: o.JetStream, DB: db, Outbox: ob,
		GRPC: srv, Health: hs, Listener: lis, Metrics: o.Metrics, lag: lag,
		serviceNames: o.ServiceNames, stream: o.Stream.Name, shutdownTimeout: o.Config.ShutdownTimeout,
	}, nil
}

// isLoopback reports whether addr accepts connections from this machine
// only.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// Addr returns the address the gRPC server listens on, e.g.
// "127.0.0.1:41234" when the listener was opened on port 0.
func (in *Infra) Addr() string { return in.Listener.Addr().String() }

// Own hands c to in: Close closes it after the listener and before the
// database, for what the service opens besides (a blob store). Call it
// before Run.
func (in *Infra) Own(c io.Closer) { in.closers = append(in.closers, c) }

// Run runs the service (see the package Run) with in's server, listener
// and an outbox relay to the service's stream, until ctx ends; subscribe,
// when not nil, starts the service's consumers. Then it closes in. It
// returns nil after a clean shutdown. Call it once.
func (in *Infra) Run(ctx context.Context, subscribe func(ctx context.Context) ([]*eventbus.Subscription, error)) error {
	if subscribe != nil && in.lag != nil {
		start := subscribe
		subscribe = func(ctx context.Context) ([]*eventbus.Subscription, error) {
			subs, err := start(ctx)
			in.lag.watch(subs) // their backlog is now on /metrics
			return subs, err
		}
	}
	err := Run(ctx, Options{
		Name: in.Name, Log: in.Log, GRPC: in.GRPC, Health: in.Health, Listener: in.Listener,
		ServiceNames:    in.serviceNames,
		Relay:           outbox.NewRelay(in.Outbox, in.JetStream, in.Log, outbox.RelayOptions{Stream: in.stream}),
		ShutdownTimeout: in.shutdownTimeout,
		Subscribe:       subscribe,
	})
	return errors.Join(err, in.Close())
}

// Close releases the listener, what in owns (Own), and the database. Run
// calls it on its way out; call it yourself for a service that will never
// Run, e.g. when building it failed after NewInfra. It is safe to call more
// than once.
func (in *Infra) Close() error {
	in.closeOnce.Do(func() {
		// After Serve the listener is already closed; that is not an error.
		if err := in.Listener.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			in.closeErr = err
		}
		for _, c := range in.closers {
			in.closeErr = errors.Join(in.closeErr, c.Close())
		}
		if in.lag != nil { // it would query a closed database
			in.Metrics.Unregister(in.lag)
		}
		in.closeErr = errors.Join(in.closeErr, in.DB.Close())
	})
	return in.closeErr
}
