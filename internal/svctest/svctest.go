// Package svctest is the harness of the services' component tests: an
// embedded JetStream and a token issuer per test (Env), a loopback listener
// (Listen), a service run in the background and stopped at cleanup with a
// check that it shut down cleanly (Start), per-call bearer tokens (Env.As)
// and polling (Eventually).
//
// A service test builds its service with New(ctx, cfg, Deps{...}) from the
// Env's parts and a Listen listener, then calls Start:
//
//	e := svctest.NewEnv(t)
//	svc, err := candidate.New(t.Context(), cfg, candidate.Deps{
//		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStream, Listener: svctest.Listen(t),
//	})
//	...
//	run := svctest.Start(t, svc)
//	client := candidatev1.NewCandidateServiceClient(run.Conn)
//	_, err = client.GetCandidate(ctx, req, e.As(t, alice))
//
// What belongs to one service (its configuration, the events it consumes)
// stays in that service's tests.
package svctest

import (
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/natstest"
)

// WaitFor bounds every wait of the harness: how long Eventually polls and
// how long Start's cleanup waits for Run to return. It is generous because
// the component tests run in parallel under the race detector.
const WaitFor = 20 * time.Second

// The issuer and audience of the tokens NewEnv's issuer signs.
const (
	Issuer   = "https://titrepro.test"
	Audience = "titrepro"
)

// Env is what a service under test is built from: a JetStream server and a
// client of it, a token issuer and the verifier that trusts it, and a logger
// that discards everything.
//
// The server enforces titrepro's bus identities (natsauth): JetStream is
// the operator's client, for the test to inject and inspect events; the
// service gets its own identity's client from JetStreamAs, so that the test
// fails if the service needs a permission it does not have.
type Env struct {
	NATS      *server.Server // for natstest.RestartJetStream
	JetStream jetstream.JetStream
	Issuer    *auth.LocalIssuer
	Verifier  auth.Verifier // accepts exactly the tokens of Issuer
	Logger    *slog.Logger
}

// NewEnv starts a JetStream server (natstest.RunJetStream), connects to it
// and creates a local token issuer in t.TempDir(). Everything is released
// at cleanup.
func NewEnv(t testing.TB) *Env {
	t.Helper()
	ns := natstest.RunJetStream(t)
	_, js := natstest.Connect(t, ns)
	issuer, err := auth.LoadOrCreateLocalIssuer(t.TempDir(), Issuer, Audience)
	if err != nil {
		t.Fatalf("svctest: issuer: %v", err)
	}
	verifier, err := auth.NewJWKSVerifier(issuer.VerifierOptions())
	if err != nil {
		t.Fatalf("svctest: verifier: %v", err)
	}
	return &Env{
		NATS:      ns,
		JetStream: js,
		Issuer:    issuer,
		Verifier:  verifier,
		Logger:    slog.New(slog.DiscardHandler),
	}
}

// JetStreamAs connects to the Env's server as the identity name, a
// service's own ("candidate", …): pass it as the service's Deps.JetStream.
func (e *Env) JetStreamAs(t testing.TB, name string) jetstream.JetStream {
	t.Helper()
	_, js := natstest.ConnectAs(t, e.NATS, name)
	return js
}

// Listen opens a TCP listener on a random loopback port. It is closed at
// cleanup in case the service never ran (a service closes it on its way out
// of Run; closing it twice is harmless).
func Listen(t testing.TB) net.Listener {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("svctest: listen: %v", err)
	}
	t.Cleanup(func() { _ = lis.Close() })
	return lis
}
