// Package natstest starts throw-away JetStream servers for tests: one server
// per test, its store in t.TempDir(), everything shut down at cleanup. The
// servers run with titrepro's identities and permissions (natsauth), like
// production: Connect is the operator (admin), ConnectAs any identity.
package natstest

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/titrepro/titrepro/internal/natsauth"
	"github.com/titrepro/titrepro/internal/natsembed"
)

// started remembers how each server was started so that RestartJetStream can
// bring it back on the same port and store, even after the test already shut
// it down (a stopped server no longer reports its address or store).
var started sync.Map // *server.Server -> natsembed.Options

// creds holds the credentials of each server's identities, for Connect.
var creds sync.Map // *server.Server -> *natsauth.Credentials

// RunJetStream starts a JetStream server on a random loopback port with its
// file store in t.TempDir(), with the production durability setting
// (fsync on every write), and shuts it down at cleanup.
func RunJetStream(t testing.TB) *server.Server {
	t.Helper()
	c, err := natsauth.Generate()
	if err != nil {
		t.Fatalf("natstest: credentials: %v", err)
	}
	users, err := c.Users()
	if err != nil {
		t.Fatalf("natstest: users: %v", err)
	}
	return start(t, natsembed.Options{StoreDir: t.TempDir(), Port: -1, NoLog: true, Users: users}, c)
}

// Credentials returns the credentials of s's identities.
func Credentials(t testing.TB, s *server.Server) *natsauth.Credentials {
	t.Helper()
	c, ok := creds.Load(s)
	if !ok {
		t.Fatalf("natstest: server was not started by natstest")
	}
	return c.(*natsauth.Credentials)
}

// RestartJetStream shuts s down (if the test has not done so already) and
// starts a new server on the same port with the same store, for "broker down,
// then back" tests. Clients made by Connect reconnect to it by themselves.
func RestartJetStream(t testing.TB, s *server.Server) *server.Server {
	t.Helper()
	v, ok := started.Load(s)
	if !ok {
		t.Fatalf("natstest: RestartJetStream: server was not started by natstest")
	}
	c := Credentials(t, s)
	s.Shutdown()
	s.WaitForShutdown()
	return start(t, v.(natsembed.Options), c)
}

func start(t testing.TB, opts natsembed.Options, c *natsauth.Credentials) *server.Server {
	t.Helper()
	s, err := natsembed.Start(opts)
	if err != nil {
		t.Fatalf("natstest: start JetStream: %v", err)
	}
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
		started.Delete(s)
		creds.Delete(s)
	})
	// Pin the port actually chosen so a restart listens where clients
	// reconnect.
	opts.Port = s.Addr().(*net.TCPAddr).Port
	started.Store(s, opts)
	creds.Store(s, c)
	return s
}

// Connect opens a client connection to s as the operator (natsauth.Admin,
// every permission) and its JetStream context, closed at cleanup: what a
// test uses to set up and inspect streams. Services under test connect
// with ConnectAs and their own identity.
func Connect(t testing.TB, s *server.Server) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	return ConnectAs(t, s, natsauth.Admin)
}

// ConnectAs opens a client connection to s as the identity name and its
// JetStream context, closed at cleanup. The connection retries forever
// with a short wait, so that a test restarting the server does not exhaust
// the default ten attempts.
func ConnectAs(t testing.TB, s *server.Server, name string, opts ...nats.Option) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	auth, err := Credentials(t, s).ConnectOptions(name)
	if err != nil {
		t.Fatalf("natstest: %v", err)
	}
	opts = append(append(auth,
		nats.MaxReconnects(-1),
		nats.ReconnectWait(50*time.Millisecond),
		nats.Name(t.Name()+"/"+name),
	), opts...)
	nc, err := nats.Connect(s.ClientURL(), opts...)
	if err != nil {
		t.Fatalf("natstest: connect as %s: %v", name, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("natstest: jetstream: %v", err)
	}
	return nc, js
}
