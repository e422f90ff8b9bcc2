package svctest

import (
	"context"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/titrepro/titrepro/internal/grpcx"
)

// Service is what the services' New returns, as far as the harness needs.
type Service interface {
	// Run serves until ctx ends and returns nil after a clean shutdown.
	Run(ctx context.Context) error
	// Addr is the address the service listens on.
	Addr() string
}

// Running is a service started by Start and a client connection to it.
type Running struct {
	Conn *grpc.ClientConn // closed at cleanup

	t          testing.TB
	cancel     context.CancelFunc
	done       <-chan error
	stopWithin time.Duration
	stopOnce   sync.Once
}

// Start runs svc.Run in a goroutine and dials svc.Addr() with grpcx.Dial.
// At cleanup, or earlier when the test calls Stop, it stops the service.
func Start(t testing.TB, svc Service) *Running {
	t.Helper()
	return start(t, svc, WaitFor)
}

func start(t testing.TB, svc Service, stopWithin time.Duration) *Running {
	t.Helper()
	// Not t.Context(): the service must keep running until Stop, which may
	// be a cleanup, and t.Context() ends before cleanups run.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	r := &Running{t: t, cancel: cancel, done: done, stopWithin: stopWithin}
	t.Cleanup(r.Stop)

	conn, err := grpcx.Dial(svc.Addr())
	if err != nil {
		t.Fatalf("svctest: dial %s: %v", svc.Addr(), err)
	}
	// Registered after Stop, so it runs before it: the connection goes
	// first, as a client would.
	t.Cleanup(func() { _ = conn.Close() })
	r.Conn = conn
	return r
}

// Stop cancels the service's context and fails the test unless Run returns
// nil within WaitFor. Call it to restart a service within a test; later
// calls, including the cleanup's, do nothing. Conn stays open until cleanup.
func (r *Running) Stop() {
	r.t.Helper()
	r.stopOnce.Do(func() {
		r.cancel()
		timer := time.NewTimer(r.stopWithin)
		defer timer.Stop()
		select {
		case err := <-r.done:
			if err != nil {
				r.t.Errorf("Run() = %v; want nil after a clean shutdown", err)
			}
		case <-timer.C:
			r.t.Errorf("Run did not return within %s after cancel", r.stopWithin)
		}
	})
}
