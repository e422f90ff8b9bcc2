// Package natstest starts throw-away JetStream servers for tests: one server
// per test, its store in t.TempDir(), everything shut down at cleanup.
package natstest

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/titrepro/titrepro/internal/natsembed"
)

// started remembers how each server was started so that RestartJetStream can
// bring it back on the same port and store, even after the test already shut
// it down (a stopped server no longer reports its address or store).
var started sync.Map // *server.Server -> natsembed.Options

// RunJetStream starts a JetStream server on a random loopback port with its
// file store in t.TempDir(), with the production durability setting
// (fsync on every write), and shuts it down at cleanup.
func RunJetStream(t testing.TB) *server.Server {
	t.Helper()
	return start(t, natsembed.Options{StoreDir: t.TempDir(), Port: -1, NoLog: true})
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
	s.Shutdown()
	s.WaitForShutdown()
	return start(t, v.(natsembed.Options))
}

func start(t testing.TB, opts natsembed.Options) *server.Server {
	t.Helper()
	s, err := natsembed.Start(opts)
	if err != nil {
		t.Fatalf("natstest: start JetStream: %v", err)
	}
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
		started.Delete(s)
	})
	// Pin the port actually chosen so a restart listens where clients
	// reconnect.
	opts.Port = s.Addr().(*net.TCPAddr).Port
	started.Store(s, opts)
	return s
}

// Connect opens a client connection to s and its JetStream context, closed at
// cleanup. The connection retries forever with a short wait, so that a test
// restarting the server does not exhaust the default ten attempts.
func Connect(t testing.TB, s *server.Server) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(s.ClientURL(),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(50*time.Millisecond),
		nats.Name(t.Name()),
	)
	if err != nil {
		t.Fatalf("natstest: connect: %v", err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("natstest: jetstream: %v", err)
	}
	return nc, js
}
