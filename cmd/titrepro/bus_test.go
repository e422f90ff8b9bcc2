package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/titrepro/titrepro/internal/natsauth"
)

// busConnect connects to the server's embedded NATS as identity, with the
// keys of its data folder.
func busConnect(t testing.TB, cfg config, identity string, opts ...nats.Option) *nats.Conn {
	t.Helper()
	creds, err := natsauth.LoadOrCreate(credentialsPath(cfg.DataDir))
	if err != nil {
		t.Fatal(err)
	}
	auth, err := creds.ConnectOptions(identity)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect("nats://"+cfg.NATSAddr, append(auth, opts...)...)
	if err != nil {
		t.Fatalf("connect as %s: %v", identity, err)
	}
	return nc
}

// TestEventBusIdentities checks the embedded bus of `titrepro serve`: no
// anonymous client, the ministry reads and cannot forge, and the keys
// `nats-credentials` prints are those of the data folder, kept across
// restarts.
func TestEventBusIdentities(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	s := startServer(t, cfg)

	t.Run("anonymous clients are refused", func(t *testing.T) {
		_, err := nats.Connect("nats://"+cfg.NATSAddr, nats.MaxReconnects(0))
		if !errors.Is(err, nats.ErrAuthorization) {
			t.Fatalf("anonymous connect: %v; want an authorization violation", err)
		}
	})

	t.Run("the credentials file is private", func(t *testing.T) {
		info, err := os.Stat(filepath.Join(cfg.DataDir, natsauth.CredentialsFile))
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Fatalf("mode %04o; want 0600", info.Mode().Perm())
		}
	})

	t.Run("the ministry cannot forge a certification event", func(t *testing.T) {
		violation := make(chan error, 1)
		nc := busConnect(t, cfg, natsauth.Ministry, nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			select {
			case violation <- err:
			default:
			}
		}))
		defer nc.Close()
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if _, err := js.Publish(ctx, "titrepro.certification.v1.title_awarded", []byte("forged")); err == nil {
			t.Fatal("JetStream acknowledged a forged event")
		}
		select {
		case err := <-violation:
			if !errors.Is(err, nats.ErrPermissionViolation) {
				t.Fatalf("async error %v; want a permission violation", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the server reported no permission violation")
		}
	})

	var before string
	t.Run("nats-credentials prints the data folder's keys", func(t *testing.T) {
		var out strings.Builder
		if err := natsCredentials(cfg, []string{"ministry"}, &out); err != nil {
			t.Fatal(err)
		}
		creds, err := natsauth.LoadOrCreate(credentialsPath(cfg.DataDir))
		if err != nil {
			t.Fatal(err)
		}
		seed, _ := creds.Seed(natsauth.Ministry)
		pub, _ := creds.PublicKey(natsauth.Ministry)
		for _, want := range []string{"nats://" + cfg.NATSAddr, seed, pub, "_INBOX_ministry", "TITREPRO_CERTIFICATION"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
		out.Reset()
		if err := natsCredentials(cfg, []string{"ministry", "--seed"}, &out); err != nil || out.String() != seed+"\n" {
			t.Fatalf("--seed printed %q, %v; want the seed alone", out.String(), err)
		}
		before = seed
		if err := natsCredentials(cfg, []string{"gateway"}, &out); err == nil {
			t.Fatal("an unknown identity is accepted")
		}
	})

	t.Run("the keys survive a restart", func(t *testing.T) {
		s.stop()
		startServer(t, cfg)
		var out strings.Builder
		if err := natsCredentials(cfg, []string{"ministry", "--seed"}, &out); err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(out.String()) != before {
			t.Fatal("the ministry's seed changed across a restart")
		}
		busConnect(t, cfg, natsauth.Ministry).Close()
	})
}

func TestNATSURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:14222": "nats://127.0.0.1:14222",
		":14222":          "nats://127.0.0.1:14222",
		"10.0.0.5:4222":   "nats://10.0.0.5:4222",
	} {
		if got := natsURL(addr); got != want {
			t.Errorf("natsURL(%q) = %q; want %q", addr, got, want)
		}
	}
}
