package svcrun_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/titrepro/titrepro/internal/devcerts"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/natstest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/internal/svcrun"
)

const waitFor = 20 * time.Second

// eventually polls cond until it returns nil or waitFor has passed.
func eventually(t *testing.T, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still failing after %s: %v", what, waitFor, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// migrateThings is a service's own migration; it remembers the database
// so that a test can check that NewInfra closed it.
type migrateThings struct {
	db  *sqldb.DB
	err error
}

func (m *migrateThings) migrate(ctx context.Context, db *sqldb.DB) error {
	m.db = db
	if m.err != nil {
		return m.err
	}
	_, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS things (id TEXT PRIMARY KEY)`)
	return err
}

// blobs is a resource the service owns besides the database.
type blobs struct {
	closes   int
	dbOpenAt error // the database's ping when blobs was closed
	db       *sqldb.DB
}

func (b *blobs) Close() error {
	b.closes++
	b.dbOpenAt = b.db.PingContext(context.Background())
	return nil
}

func options(t *testing.T, js jetstream.JetStream, m *migrateThings) svcrun.InfraOptions {
	t.Helper()
	return svcrun.InfraOptions{
		Name: "infratest",
		Config: svcrun.BaseConfig{
			GRPCAddr:        "127.0.0.1:0",
			DatabaseURL:     "sqlite://" + filepath.Join(t.TempDir(), "infratest.db"),
			ShutdownTimeout: time.Second,
		},
		Logger:        slog.New(slog.DiscardHandler),
		JetStream:     js,
		ErrorDomain:   "infratest.titrepro",
		PublicMethods: []string{"/titrepro.infratest.v1.Things/List"},
		ServiceNames:  []string{"titrepro.infratest.v1.Things"},
		Migrate:       m.migrate,
		Stream:        eventbus.ContextStream("infratest"),
	}
}

func TestInfraRunsAndCloses(t *testing.T) {
	t.Parallel()
	_, js := natstest.Connect(t, natstest.RunJetStream(t))
	var m migrateThings
	in, err := svcrun.NewInfra(t.Context(), options(t, js, &m))
	require.NoError(t, err)
	owned := &blobs{db: in.DB}
	in.Own(owned)

	// The service's schema, the outbox and the inbox are there, and so is
	// the stream.
	for _, table := range []string{"things", "outbox", "inbox"} {
		var n int
		require.NoError(t, in.DB.QueryRowContext(t.Context(), `SELECT count(*) FROM `+table).Scan(&n), table)
	}
	_, err = js.Stream(t.Context(), "TITREPRO_INFRATEST")
	require.NoError(t, err)

	// An event committed before Run reaches the stream through the relay.
	ev, err := outbox.NewEvent(wrapperspb.String("x"), "titrepro/infratest", "things/1", time.Now())
	require.NoError(t, err)
	ev.Subject = "titrepro.infratest.v1.thing_done" // a stand-in event on the service's stream
	require.NoError(t, in.DB.InTx(t.Context(), func(tx *sqldb.Tx) error { return in.Outbox.Write(t.Context(), tx, ev) }))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	subscribed := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- in.Run(ctx, func(context.Context) ([]*eventbus.Subscription, error) {
			close(subscribed)
			return nil, nil
		})
	}()

	conn, err := grpcx.Dial(in.Addr())
	require.NoError(t, err)
	defer conn.Close()
	health := healthgrpc.NewHealthClient(conn)
	eventually(t, "service reported SERVING", func() error {
		res, err := health.Check(t.Context(), &healthgrpc.HealthCheckRequest{Service: "titrepro.infratest.v1.Things"})
		if err != nil {
			return err
		}
		if res.GetStatus() != healthgrpc.HealthCheckResponse_SERVING {
			return errors.New(res.GetStatus().String())
		}
		return nil
	})
	select {
	case <-subscribed: // Run subscribes before it reports SERVING
	default:
		t.Fatal("Run did not call subscribe")
	}
	eventually(t, "event published", func() error {
		s, err := js.Stream(t.Context(), "TITREPRO_INFRATEST")
		if err != nil {
			return err
		}
		info, err := s.Info(t.Context())
		if err != nil {
			return err
		}
		if info.State.Msgs != 1 {
			return errors.New("no message in the stream yet")
		}
		return nil
	})

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err, "Run after a clean shutdown")
	case <-time.After(waitFor):
		t.Fatal("Run did not return after cancel")
	}
	require.Equal(t, 1, owned.closes, "owned resource closes")
	require.NoError(t, owned.dbOpenAt, "the database must still be open when owned resources close")
	require.Error(t, in.DB.PingContext(context.Background()), "database open after Run")
	require.NoError(t, in.Close(), "second Close")
	require.Equal(t, 1, owned.closes, "owned resource closes after a second Close")
}

func TestInfraCloseWithoutRun(t *testing.T) {
	t.Parallel()
	_, js := natstest.Connect(t, natstest.RunJetStream(t))
	var m migrateThings
	in, err := svcrun.NewInfra(t.Context(), options(t, js, &m))
	require.NoError(t, err)

	require.NoError(t, in.Close())
	_, err = in.Listener.Accept()
	require.ErrorIs(t, err, net.ErrClosed)
	require.Error(t, in.DB.PingContext(context.Background()))
	require.NoError(t, in.Close())
}

func TestInfraUsesTheGivenListener(t *testing.T) {
	t.Parallel()
	_, js := natstest.Connect(t, natstest.RunJetStream(t))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	opts := options(t, js, &migrateThings{})
	opts.Config.GRPCAddr = "127.0.0.1:1" // not used
	opts.Listener = lis
	in, err := svcrun.NewInfra(t.Context(), opts)
	require.NoError(t, err)
	defer in.Close()
	require.Equal(t, lis.Addr().String(), in.Addr())
}

func TestNewInfraFailsLeavingNothingOpen(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = busy.Close() })
	errMigrate := errors.New("migration 0002 failed")
	tests := []struct {
		name     string
		mutate   func(*svcrun.InfraOptions, *migrateThings)
		want     string
		opensDB  bool // the database was opened, so it must be closed again
		wantWrap error
	}{
		{name: "no JetStream", mutate: func(o *svcrun.InfraOptions, _ *migrateThings) { o.JetStream = nil },
			want: "infratest: Deps.JetStream is required"},
		{name: "bad database URL", mutate: func(o *svcrun.InfraOptions, _ *migrateThings) { o.Config.DatabaseURL = "mysql://db" },
			want: "infratest: "},
		{name: "migration fails", mutate: func(_ *svcrun.InfraOptions, m *migrateThings) { m.err = errMigrate },
			want: "infratest: migration 0002 failed", opensDB: true, wantWrap: errMigrate},
		{name: "bad stream", mutate: func(o *svcrun.InfraOptions, _ *migrateThings) { o.Stream = eventbus.StreamConfig{} },
			want: "infratest: eventbus:", opensDB: true},
		{name: "missing certificate", mutate: func(o *svcrun.InfraOptions, _ *migrateThings) {
			o.Config.GRPCTLS = grpcx.TLSFiles{CertFile: "/nonexistent/svc.crt", KeyFile: "/nonexistent/svc.key"}
		}, want: "infratest: GRPC_TLS_*: grpcx: certificate", opensDB: true},
		{name: "address in use", mutate: func(o *svcrun.InfraOptions, _ *migrateThings) { o.Config.GRPCAddr = busy.Addr().String() },
			want: "infratest: listen on " + busy.Addr().String(), opensDB: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, js := natstest.Connect(t, natstest.RunJetStream(t))
			var m migrateThings
			opts := options(t, js, &m)
			tt.mutate(&opts, &m)

			in, err := svcrun.NewInfra(t.Context(), opts)

			require.Nil(t, in)
			require.Error(t, err)
			require.True(t, strings.HasPrefix(err.Error(), tt.want), "error %q; want it to start with %q", err, tt.want)
			if tt.wantWrap != nil {
				require.ErrorIs(t, err, tt.wantWrap)
			}
			if tt.opensDB {
				require.NotNil(t, m.db, "the database was not opened")
				require.Error(t, m.db.PingContext(context.Background()), "database left open")
			}
		})
	}
}

func TestInfraServesMutualTLS(t *testing.T) {
	t.Parallel()
	_, js := natstest.Connect(t, natstest.RunJetStream(t))
	dir := t.TempDir()
	_, err := devcerts.Generate(dir, devcerts.Options{})
	require.NoError(t, err)
	file := func(name string) string { return filepath.Join(dir, name) }
	opts := options(t, js, &migrateThings{})
	opts.Config.GRPCTLS = grpcx.TLSFiles{CertFile: file("candidate.crt"), KeyFile: file("candidate.key"), CAFile: file("ca.crt")}
	in, err := svcrun.NewInfra(t.Context(), opts)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx, nil) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })

	call := func(files grpcx.TLSFiles) error {
		cfg, err := grpcx.ClientTLS(files)
		require.NoError(t, err)
		conn, err := grpcx.Dial(in.Addr(), grpcx.TransportCredentials(cfg))
		require.NoError(t, err)
		defer conn.Close()
		callCtx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, err = healthgrpc.NewHealthClient(conn).Check(callCtx, &healthgrpc.HealthCheckRequest{}, grpc.WaitForReady(false))
		return err
	}
	eventually(t, "health over mutual TLS", func() error {
		return call(grpcx.TLSFiles{CAFile: file("ca.crt"), CertFile: file("gateway-client.crt"), KeyFile: file("gateway-client.key")})
	})
	err = call(grpcx.TLSFiles{CAFile: file("ca.crt")})
	require.Equal(t, codes.Unavailable, status.Code(err), "a client without certificate: %v", err)
}

func TestInfraWarnsWhenServingPlaintextBeyondLoopback(t *testing.T) {
	t.Parallel()
	_, js := natstest.Connect(t, natstest.RunJetStream(t))
	for addr, warns := range map[string]bool{"127.0.0.1:0": false, "0.0.0.0:0": true} {
		var logs strings.Builder
		opts := options(t, js, &migrateThings{})
		opts.Config.GRPCAddr = addr
		opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		in, err := svcrun.NewInfra(t.Context(), opts)
		require.NoError(t, err)
		require.NoError(t, in.Close())
		require.Equal(t, warns, strings.Contains(logs.String(), "gRPC served in plaintext beyond this machine"), "%s: %s", addr, logs.String())
	}
}
