// Package natsembed runs a NATS server with JetStream inside the titrepro
// process, for the embedded topology and for tests.
//
// Durability: the server fsyncs every JetStream write before it acknowledges
// it ("sync_interval: always"). NATS' default only fsyncs every two minutes,
// so a host or OS crash can lose messages that were already acknowledged
// (Jepsen, NATS 2.12.1; nats-server#7564). Once the outbox relay has seen a
// PubAck it marks the row published and will never send it again, so an
// acknowledged certification event must survive a host crash: the ack has to
// mean "on disk". See docs/architecture.md §4.
//
// Access: the server accepts only the users it is given, each with its nkey
// and permissions (internal/natsauth); it never runs open to anonymous
// clients, whatever address it listens on.
package natsembed

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/titrepro/titrepro/internal/natsauth"
)

// readyTimeout bounds how long Start waits for the server to accept clients.
const readyTimeout = 10 * time.Second

// Options configures an embedded server. The zero value (with StoreDir and
// Users set) is the production setting: loopback only, port 4222, fsync on
// every write.
type Options struct {
	// StoreDir is the folder of the JetStream file store (required). The
	// server keeps its data in StoreDir/jetstream.
	StoreDir string
	// Users are the only clients the server accepts (required): each
	// authenticates with its nkey and gets its permissions. There is no
	// anonymous access (natsauth, ADR 0007).
	Users []natsauth.User
	// Host is the listen address; "" means 127.0.0.1 so that an embedded
	// broker is never exposed to the network by accident.
	Host string
	// Port is the client port: 0 means the NATS default 4222, -1 a random
	// free port (read it back with server.Addr or ClientURL).
	Port int
	// PeriodicSync relaxes durability to the NATS default (fsync every two
	// minutes). Acknowledged messages can then be lost on a host crash, so
	// it must never be set where certification events are stored; it exists
	// for throw-away benchmarks. The zero value keeps "sync_interval: always".
	PeriodicSync bool
	// NoLog silences the server entirely.
	NoLog bool
	// Logger receives the server's notices, warnings and errors; nil means
	// slog.Default(). Ignored when NoLog is set.
	Logger *slog.Logger
}

// Start starts a JetStream-enabled server with file storage under
// opts.StoreDir and waits until it accepts connections. It returns an error,
// never exits the process, when the server cannot start (port in use,
// unreadable store…); the caller owns the returned server and must call
// Shutdown and WaitForShutdown.
func Start(opts Options) (*server.Server, error) {
	if opts.StoreDir == "" {
		return nil, errors.New("natsembed: StoreDir is required")
	}
	if err := os.MkdirAll(opts.StoreDir, 0o750); err != nil {
		return nil, fmt.Errorf("natsembed: create store dir: %w", err)
	}
	if len(opts.Users) == 0 {
		return nil, errors.New("natsembed: Users is required: the bus accepts no anonymous client")
	}
	host := opts.Host
	if host == "" {
		host = "127.0.0.1"
	}
	sopts := &server.Options{
		Host:       host,
		Port:       opts.Port,
		JetStream:  true,
		StoreDir:   opts.StoreDir,
		SyncAlways: !opts.PeriodicSync,
		// The process owns signal handling (graceful drain of every
		// component), not the embedded broker.
		NoSigs: true,
		NoLog:  opts.NoLog,
		Nkeys:  nkeyUsers(opts.Users),
	}
	s, err := server.NewServer(sopts)
	if err != nil {
		return nil, fmt.Errorf("natsembed: new server: %w", err)
	}

	// The adapter is installed even with NoLog: the server reports startup
	// failures only through Fatalf, and the stock logger would exit the
	// process there. Capturing them lets Start return an error instead.
	handler := slog.DiscardHandler
	if !opts.NoLog {
		l := opts.Logger
		if l == nil {
			l = slog.Default()
		}
		handler = l.Handler()
	}
	logger := newLogger(slog.New(handler).With("component", "nats"))
	s.SetLoggerV2(logger, false, false, false)

	s.Start()
	if err := waitReady(s, logger); err != nil {
		shutdown(s)
		return nil, err
	}
	if !s.JetStreamEnabled() {
		shutdown(s)
		return nil, errors.New("natsembed: JetStream did not start")
	}
	return s, nil
}

// waitReady waits until the server accepts clients, returning early with the
// server's own message when it reported a fatal startup error (a port in use
// would otherwise cost the whole timeout).
func waitReady(s *server.Server, l *logger) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		ready := s.ReadyForConnections(50 * time.Millisecond)
		if ferr := l.fatal(); ferr != nil {
			return fmt.Errorf("natsembed: start: %w", ferr)
		}
		if ready {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("natsembed: server not ready after %s", readyTimeout)
		}
	}
}

// shutdown stops a server that failed to start and releases its port and
// store lock before Start returns.
func shutdown(s *server.Server) {
	s.Shutdown()
	s.WaitForShutdown()
}

// nkeyUsers turns titrepro's identities into server users. An allow list
// denies everything it does not name.
func nkeyUsers(users []natsauth.User) []*server.NkeyUser {
	out := make([]*server.NkeyUser, 0, len(users))
	for _, u := range users {
		nu := &server.NkeyUser{Nkey: u.PublicKey}
		if p := u.Permissions; p != nil {
			nu.Permissions = &server.Permissions{Publish: allowOnly(p.Publish), Subscribe: allowOnly(p.Subscribe)}
		}
		out = append(out, nu)
	}
	return out
}

// allowOnly permits exactly subjects. The server reads an empty allow list
// as "no restriction", so nothing at all is spelt as a deny of everything.
func allowOnly(subjects []string) *server.SubjectPermission {
	if len(subjects) == 0 {
		return &server.SubjectPermission{Deny: []string{">"}}
	}
	return &server.SubjectPermission{Allow: subjects}
}
