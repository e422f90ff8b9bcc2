package svctest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/grpcx"
)

// tiny is the smallest service the harness can run: a grpcx server with
// only the health service. Its interceptor echoes the caller's principal
// in response headers, so that a test sees what the server authenticated.
type tiny struct {
	srv *grpc.Server
	lis net.Listener
	// release, when set, holds Run after the server stopped: a service that
	// hangs on shutdown.
	release chan struct{}
	// stopErr is what Run adds to a clean stop: a service that fails on
	// shutdown.
	stopErr error
}

func newTiny(t *testing.T, e *Env) *tiny {
	t.Helper()
	srv, _ := grpcx.NewServer(grpcx.ServerOptions{
		Domain:      "svctest.titrepro",
		Logger:      e.Logger,
		Verifier:    e.Verifier,
		GRPCOptions: []grpc.ServerOption{grpc.ChainUnaryInterceptor(echoPrincipal)},
	})
	return &tiny{srv: srv, lis: Listen(t)}
}

func (s *tiny) Addr() string { return s.lis.Addr().String() }

func (s *tiny) Run(ctx context.Context) error {
	err := grpcx.Serve(ctx, s.srv, s.lis, time.Second)
	if s.release != nil {
		<-s.release
	}
	return errors.Join(err, s.stopErr)
}

// echoPrincipal runs after grpcx's authentication and sends the principal
// it stored back as the headers x-subject, x-centre and x-role.
func echoPrincipal(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if p, ok := auth.FromContext(ctx); ok {
		md := metadata.Pairs("x-subject", p.Subject, "x-centre", p.Centre)
		for _, r := range p.Roles {
			md.Append("x-role", string(r))
		}
		if err := grpc.SetHeader(ctx, md); err != nil {
			return nil, err
		}
	}
	return handler(ctx, req)
}

// recorder is a testing.TB whose errors and cleanups the test inspects
// instead of failing or running them at its own end. Fatalf still fails
// the real test.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	errs     []string
	cleanups []func()
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

// cleanup runs the registered cleanups, last first, like testing does,
// and returns the errors reported so far.
func (r *recorder) cleanup() []string {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
	r.cleanups = nil
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.errs
}

func checkHealth(t *testing.T, conn *grpc.ClientConn, opts ...grpc.CallOption) (metadata.MD, error) {
	t.Helper()
	var header metadata.MD
	_, err := healthgrpc.NewHealthClient(conn).Check(t.Context(), &healthgrpc.HealthCheckRequest{},
		append(opts, grpc.Header(&header))...)
	return header, err
}

func TestStartStopsTheServiceAtCleanup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		stopErr error
		hang    bool
		want    string // the error reported at cleanup, "" for none
	}{
		{name: "clean shutdown"},
		{name: "Run fails", stopErr: errors.New("database close failed"),
			want: "Run() = database close failed; want nil after a clean shutdown"},
		{name: "Run hangs", hang: true, want: "Run did not return within 100ms after cancel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc := newTiny(t, NewEnv(t))
			svc.stopErr = tt.stopErr
			if tt.hang {
				svc.release = make(chan struct{})
				defer close(svc.release) // lets the goroutine of Run end
			}
			rec := &recorder{TB: t}
			run := start(rec, svc, 100*time.Millisecond)
			_, err := checkHealth(t, run.Conn)
			require.NoError(t, err, "the service serves once started")

			errs := rec.cleanup()
			if tt.want == "" {
				require.Empty(t, errs)
			} else {
				require.Equal(t, []string{tt.want}, errs)
			}
			if !tt.hang {
				_, err = net.Dial("tcp", svc.Addr())
				require.Error(t, err, "the listener is closed once Run returned")
			}
		})
	}
}

func TestStopIsIdempotent(t *testing.T) {
	t.Parallel()
	svc := newTiny(t, NewEnv(t))
	svc.stopErr = errors.New("reported once")
	rec := &recorder{TB: t}
	run := start(rec, svc, WaitFor)
	run.Stop()
	run.Stop()
	errs := rec.cleanup() // Stop again
	require.Len(t, errs, 1)
	require.True(t, strings.HasPrefix(errs[0], "Run() = reported once"), errs[0])
}

func TestAsAuthenticatesOneCall(t *testing.T) {
	t.Parallel()
	e := NewEnv(t)
	run := Start(t, newTiny(t, e))
	centre := auth.Principal{Subject: "c1-user", Roles: []auth.Role{auth.RoleCentre, auth.RoleJuror}, Centre: "CENTRE-1"}
	stranger := NewEnv(t) // another issuer, whose tokens e.Verifier rejects
	tests := []struct {
		name   string
		opts   []grpc.CallOption
		code   codes.Code
		header metadata.MD // the x- headers of the principal the server saw
	}{
		{name: "no token", code: codes.OK, header: metadata.MD{}},
		{name: "token of the env's issuer", opts: []grpc.CallOption{e.As(t, centre)}, code: codes.OK,
			header: metadata.MD{"x-subject": {"c1-user"}, "x-centre": {"CENTRE-1"}, "x-role": {"centre", "juror"}}},
		{name: "token of another issuer", opts: []grpc.CallOption{stranger.As(t, centre)}, code: codes.Unauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			header, err := checkHealth(t, run.Conn, tt.opts...)
			require.Equal(t, tt.code, status.Code(err), "error %v", err)
			if tt.code != codes.OK {
				return
			}
			got := metadata.MD{}
			for k, v := range header {
				if strings.HasPrefix(k, "x-") && k != grpcx.RequestIDHeader {
					got[k] = v
				}
			}
			require.Equal(t, tt.header, got)
		})
	}
}

func TestEventuallyRetriesUntilNil(t *testing.T) {
	t.Parallel()
	calls := 0
	Eventually(t, "third call", func() error {
		calls++
		if calls < 3 {
			return fmt.Errorf("call %d", calls)
		}
		return nil
	})
	require.Equal(t, 3, calls)
}
