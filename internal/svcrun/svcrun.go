// Package svcrun is the lifecycle every titrepro service shares: serve gRPC,
// relay the outbox, consume other contexts' events, and on shutdown drain
// them in the one order that loses nothing.
//
// The order matters. Health turns NOT_SERVING first so that load balancers
// stop sending calls; calls in flight get the drain period; consumers stop
// after the event in hand (an unacknowledged event is redelivered after the
// restart); the relay stops last, so that events committed by the last calls
// are still published (or, if NATS is down, stay in the outbox for the next
// start).
//
// Around Run, it holds what every service would otherwise write again: the
// settings they all have (BaseConfig, LoadBase), their infrastructure
// (NewInfra: database, outbox, gRPC server, listener, stream) and the main
// function of their commands (Main, LoadStandalone).
package svcrun

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/outbox"
)

// Options describe one service's moving parts.
type Options struct {
	Name            string // service name for logs, e.g. "candidate"
	Log             *slog.Logger
	GRPC            *grpc.Server
	Health          *health.Server
	Listener        net.Listener
	ServiceNames    []string      // gRPC service names reported SERVING besides ""
	Relay           *outbox.Relay // the service's outbox relay
	ShutdownTimeout time.Duration // drain period of calls in flight
	// Subscribe starts the service's consumers, if any. It runs after the
	// relay has started and before the server accepts calls.
	Subscribe func(ctx context.Context) ([]*eventbus.Subscription, error)
}

// Run runs the service until ctx ends, then drains it. It returns nil after
// a clean shutdown, including one requested while starting.
func Run(ctx context.Context, o Options) error {
	relayCtx, stopRelay := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRelay()
	relayDone := make(chan error, 1)
	go func() { relayDone <- o.Relay.Run(relayCtx) }()
	stopRelayAndWait := func() error {
		stopRelay()
		return <-relayDone
	}

	var subs []*eventbus.Subscription
	if o.Subscribe != nil {
		var err error
		if subs, err = o.Subscribe(ctx); err != nil {
			if ctx.Err() != nil {
				return stopRelayAndWait() // stopped while starting: not a failure
			}
			return errors.Join(fmt.Errorf("%s: %w", o.Name, err), stopRelayAndWait())
		}
	}

	serveCtx, stopServing := context.WithCancel(context.WithoutCancel(ctx))
	defer stopServing()
	go func() {
		select {
		case <-ctx.Done():
			o.Health.Shutdown()
			stopServing()
		case <-serveCtx.Done():
		}
	}()
	o.Health.SetServingStatus("", healthgrpc.HealthCheckResponse_SERVING)
	for _, name := range o.ServiceNames {
		o.Health.SetServingStatus(name, healthgrpc.HealthCheckResponse_SERVING)
	}
	o.Log.Info(o.Name+" serving", "addr", o.Listener.Addr().String())

	serveErr := grpcx.Serve(serveCtx, o.GRPC, o.Listener, o.ShutdownTimeout)
	if errors.Is(serveErr, grpcx.ErrDrainTimeout) {
		o.Log.Warn(o.Name+": calls cut off after the drain period", "timeout", o.ShutdownTimeout)
		serveErr = nil
	}
	for _, s := range subs {
		s.Stop()
	}
	return errors.Join(serveErr, stopRelayAndWait())
}
