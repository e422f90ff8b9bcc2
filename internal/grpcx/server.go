package grpcx

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/titrepro/titrepro/internal/auth"
)

// DefaultMaxMsgSize is the default limit on one message, received or sent.
// It equals grpc-go's receive default but is set explicitly (security target
// S1): large payloads go through client streaming in chunks of at most 1 MiB.
const DefaultMaxMsgSize = 4 << 20

// ServerOptions configures NewServer.
type ServerOptions struct {
	Domain   string        // ErrorInfo domain, e.g. "candidate.titrepro"
	Logger   *slog.Logger  // default slog.Default()
	Verifier auth.Verifier // nil rejects every token: only public methods work
	// PublicMethods are full method names ("/pkg.Service/Method") callable
	// without a token. The health service's methods are always public, so that
	// probes need no credentials.
	PublicMethods  []string
	MaxRecvMsgSize int      // default DefaultMaxMsgSize
	MaxSendMsgSize int      // default DefaultMaxMsgSize
	Metrics        *Metrics // optional
	// GRPCOptions are appended to the server options.
	GRPCOptions []grpc.ServerOption
	// TLS, when not nil, serves over TLS with it (ServerTLS); nil serves
	// plaintext.
	TLS *tls.Config
	// Tracing continues the caller's trace (W3C traceparent metadata): a
	// span per call when tracing is Active, else the trace context alone,
	// so that log lines carry the trace id (see serverTracing).
	Tracing bool
}

// NewServer returns a gRPC server whose unary and stream calls go through, in
// this order: panic recovery, request id, logging and metrics, authentication,
// error mapping (ToStatus) and string bounds (every string of every request
// message at most MaxLength characters, else INVALID_ARGUMENT with a field
// violation per string). It registers the standard health service and
// returns it so that the caller reports readiness and, before Serve drains,
// NOT_SERVING.
func NewServer(opts ServerOptions) (*grpc.Server, *health.Server) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	public := make(map[string]bool, len(opts.PublicMethods)+3)
	for _, m := range opts.PublicMethods {
		public[m] = true
	}
	for _, m := range []string{
		healthgrpc.Health_Check_FullMethodName,
		healthgrpc.Health_List_FullMethodName,
		healthgrpc.Health_Watch_FullMethodName,
	} {
		public[m] = true
	}
	ic := &interceptors{
		domain:   opts.Domain,
		log:      log,
		verifier: opts.Verifier,
		public:   public,
		metrics:  opts.Metrics,
	}
	var tracingOpts []grpc.ServerOption
	ic.carryTrace, tracingOpts = serverTracing(opts.Tracing)
	serverOpts := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(orDefault(opts.MaxRecvMsgSize, DefaultMaxMsgSize)),
		grpc.MaxSendMsgSize(orDefault(opts.MaxSendMsgSize, DefaultMaxMsgSize)),
		grpc.ChainUnaryInterceptor(ic.unary()...),
		grpc.ChainStreamInterceptor(ic.stream()...),
		// Calls run on long-lived workers rather than a new goroutine
		// each: a call's stack grows deep (interceptors, the SQLite
		// engine), and on a fresh goroutine every call paid for copying
		// it as it grew (runtime.copystack, 5 % of a point read's CPU).
		grpc.NumStreamWorkers(uint32(runtime.GOMAXPROCS(0))),
	}
	if opts.TLS != nil {
		serverOpts = append(serverOpts, grpc.Creds(handshakeLog{credentials.NewTLS(opts.TLS), log}))
	}
	serverOpts = append(serverOpts, tracingOpts...)
	srv := grpc.NewServer(append(serverOpts, opts.GRPCOptions...)...)
	hs := health.NewServer()
	healthgrpc.RegisterHealthServer(srv, hs)
	return srv, hs
}

func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// ErrDrainTimeout is returned by Serve when calls were still running after the
// drain period and were cut off. Callers usually log it and exit normally.
var ErrDrainTimeout = errors.New("grpcx: drain period elapsed, remaining calls cancelled")

// Serve serves srv on lis until ctx ends, then stops gracefully: new calls are
// refused, calls in flight get up to drain to finish, and whatever is left is
// cancelled. Setting the health status to NOT_SERVING beforehand, so that load
// balancers stop sending traffic, is the caller's job. Serve returns nil after
// a complete drain, ErrDrainTimeout after a forced stop, or the error that made
// the server fail.
func Serve(ctx context.Context, srv *grpc.Server, lis net.Listener, drain time.Duration) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()

	select {
	case err := <-served:
		if err == nil { // someone else stopped srv
			return nil
		}
		return fmt.Errorf("grpcx: serve: %w", err)
	case <-ctx.Done():
	}

	stopped := make(chan struct{})
	go func() {
		srv.GracefulStop()
		close(stopped)
	}()
	timer := time.NewTimer(drain)
	defer timer.Stop()
	var result error
	select {
	case <-stopped:
	case <-timer.C:
		srv.Stop() // cancels the remaining calls; GracefulStop then returns
		<-stopped
		result = ErrDrainTimeout
	}
	// Serve returns nil once stopped, or ErrServerStopped when ctx ended before
	// it started.
	if err := <-served; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return fmt.Errorf("grpcx: serve: %w", err)
	}
	return result
}
