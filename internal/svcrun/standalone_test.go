package svcrun_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"
	"golang.org/x/crypto/bcrypt"

	"github.com/titrepro/titrepro/internal/devcerts"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/natsauth"
	"github.com/titrepro/titrepro/internal/natstest"
	"github.com/titrepro/titrepro/internal/svcrun"
)

// seedFile writes the nkey seed of identity on s to a 0600 file.
func seedFile(t *testing.T, s *server.Server, identity string) string {
	t.Helper()
	seed, err := natstest.Credentials(t, s).Seed(identity)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), identity+".nk")
	if err := os.WriteFile(path, []byte(seed), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadStandaloneRefusesBadSettings(t *testing.T) {
	t.Parallel()
	s := natstest.RunJetStream(t)
	seed := seedFile(t, s, "candidate")
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no issuer", map[string]string{}, "AUTH_ISSUER is required"},
		{"bad log level", map[string]string{"AUTH_ISSUER": "https://idp", "LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{"no NATS", map[string]string{"AUTH_ISSUER": "https://idp", "NATS_URL": "nats://127.0.0.1:1", "NATS_NKEY_SEED_FILE": seed,
			"METRICS_ADDR": "127.0.0.1:0"}, "nats:"},
		{"no NATS credentials", map[string]string{"AUTH_ISSUER": "https://idp", "NATS_URL": s.ClientURL()}, "NATS credentials are required"},
		{"wrong NATS credentials", map[string]string{"AUTH_ISSUER": "https://idp", "NATS_URL": s.ClientURL(),
			"NATS_USER": "candidate", "NATS_PASSWORD": "guess"}, "Authorization Violation"},
		{"bad stream replicas", map[string]string{"AUTH_ISSUER": "https://idp", "NATS_URL": s.ClientURL(),
			"NATS_NKEY_SEED_FILE": seed, "NATS_STREAM_REPLICAS": "three"}, "NATS_STREAM_REPLICAS"},
		{"too many stream replicas", map[string]string{"AUTH_ISSUER": "https://idp", "NATS_URL": s.ClientURL(),
			"NATS_NKEY_SEED_FILE": seed, "NATS_STREAM_REPLICAS": "6"}, "NATS_STREAM_REPLICAS"},
		{"bad metrics address", map[string]string{"AUTH_ISSUER": "https://idp", "METRICS_ADDR": "9464"}, "METRICS_ADDR: want host:port or off"},
		{"metrics address taken", map[string]string{"AUTH_ISSUER": "https://idp", "NATS_URL": s.ClientURL(), "NATS_NKEY_SEED_FILE": seed,
			"METRICS_ADDR": takenAddr(t)}, "METRICS_ADDR:"},
		{"unreadable seed file", map[string]string{"AUTH_ISSUER": "https://idp", "NATS_URL": s.ClientURL(),
			"NATS_NKEY_SEED_FILE": filepath.Join(t.TempDir(), "none.nk")}, "NATS_NKEY_SEED_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, ok := tt.env["METRICS_ADDR"]; !ok {
				tt.env["METRICS_ADDR"] = "off" // parallel tests would all take :9464
			}
			_, err := svcrun.LoadStandalone(context.Background(), "test", func(k string) string { return tt.env[k] })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadStandalone() error = %v; want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestLoadNATS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		want    svcrun.NATSConfig
		wantErr string
	}{
		{name: "nkey seed file", env: map[string]string{"NATS_NKEY_SEED_FILE": "/run/secrets/candidate.nk"},
			want: svcrun.NATSConfig{URL: "nats://127.0.0.1:4222", NkeySeedFile: "/run/secrets/candidate.nk"}},
		{name: "creds file and cluster", env: map[string]string{"NATS_URL": "nats://a:4222,nats://b:4222", "NATS_CREDS_FILE": "/run/secrets/candidate.creds"},
			want: svcrun.NATSConfig{URL: "nats://a:4222,nats://b:4222", CredsFile: "/run/secrets/candidate.creds"}},
		{name: "user and password", env: map[string]string{"NATS_USER": "candidate", "NATS_PASSWORD": "s3cret"},
			want: svcrun.NATSConfig{URL: "nats://127.0.0.1:4222", User: "candidate", Password: "s3cret"}},
		{name: "none", env: map[string]string{}, wantErr: "NATS credentials are required"},
		{name: "two ways", env: map[string]string{"NATS_NKEY_SEED_FILE": "a", "NATS_USER": "candidate", "NATS_PASSWORD": "p"}, wantErr: "set only one"},
		{name: "user without password", env: map[string]string{"NATS_USER": "candidate"}, wantErr: "go together"},
		{name: "TLS with a client certificate", env: map[string]string{"NATS_NKEY_SEED_FILE": "/s/c.nk",
			"NATS_TLS_CA_FILE": "/c/ca.crt", "NATS_TLS_CERT_FILE": "/c/candidate.crt", "NATS_TLS_KEY_FILE": "/c/candidate.key"},
			want: svcrun.NATSConfig{URL: "nats://127.0.0.1:4222", NkeySeedFile: "/s/c.nk",
				TLSCAFile: "/c/ca.crt", TLSCertFile: "/c/candidate.crt", TLSKeyFile: "/c/candidate.key"}},
		{name: "TLS certificate without key", env: map[string]string{"NATS_NKEY_SEED_FILE": "a", "NATS_TLS_CA_FILE": "/c/ca.crt", "NATS_TLS_CERT_FILE": "/c/candidate.crt"},
			wantErr: "NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE go together"},
		{name: "TLS certificate without authority", env: map[string]string{"NATS_NKEY_SEED_FILE": "a", "NATS_TLS_CERT_FILE": "/c/candidate.crt", "NATS_TLS_KEY_FILE": "/c/candidate.key"},
			wantErr: "NATS_TLS_CERT_FILE needs NATS_TLS_CA_FILE"},
		{name: "TLS is no identity", env: map[string]string{"NATS_TLS_CA_FILE": "/c/ca.crt"}, wantErr: "NATS credentials are required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := svcrun.LoadNATS(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadNATS() error = %v; want it to mention %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("LoadNATS() = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// takenAddr is the address of a listener open until the end of the test.
func takenAddr(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lis.Close() })
	return lis.Addr().String()
}

// connectsAs checks that a standalone service connected as identity can do
// its first job on the bus: make sure its stream exists.
func connectsAs(t *testing.T, identity string, env map[string]string) {
	t.Helper()
	env["AUTH_ISSUER"] = "https://idp.example/"
	env["METRICS_ADDR"] = "off" // parallel tests would all take :9464
	got, err := svcrun.LoadStandalone(context.Background(), identity, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := eventbus.EnsureStream(ctx, got.JetStream, eventbus.ContextStream(identity)); err != nil {
		t.Fatalf("JetStream not usable as %s: %v", identity, err)
	}
}

// TestLoadStandaloneStreamReplicas checks that NATS_STREAM_REPLICAS reaches
// JetStream: a single server refuses three replicas, so the creation of a
// stream fails where it succeeds with the default. (The cluster fault
// suite, make test-cluster, checks three replicas on a real cluster.)
func TestLoadStandaloneStreamReplicas(t *testing.T) {
	t.Parallel()
	s := natstest.RunJetStream(t)
	env := map[string]string{"AUTH_ISSUER": "https://idp", "NATS_URL": s.ClientURL(),
		"NATS_NKEY_SEED_FILE": seedFile(t, s, "candidate"), "NATS_STREAM_REPLICAS": "3"}
	got, err := svcrun.LoadStandalone(t.Context(), "candidate", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	err = eventbus.EnsureStream(ctx, got.JetStream, eventbus.ContextStream("candidate"))
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "replica") {
		t.Fatalf("EnsureStream with 3 replicas on one server: error = %v; want a refusal naming the replicas", err)
	}
}

func TestLoadStandaloneConnectsWithANkey(t *testing.T) {
	t.Parallel()
	s := natstest.RunJetStream(t)
	connectsAs(t, "candidate", map[string]string{"NATS_URL": s.ClientURL(), "NATS_NKEY_SEED_FILE": seedFile(t, s, "candidate")})
}

// TestLoadStandaloneConnectsWithAPassword runs a server configured like
// deploy/nats: users with bcrypt'd passwords and natsauth's permissions.
func TestLoadStandaloneConnectsWithAPassword(t *testing.T) {
	t.Parallel()
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	perms, err := natsauth.PermissionsFor("portfolio")
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
		Users: []*server.User{{Username: "portfolio", Password: string(hash), Permissions: &server.Permissions{
			Publish: &server.SubjectPermission{Allow: perms.Publish}, Subscribe: &server.SubjectPermission{Allow: perms.Subscribe},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("server not ready")
	}
	connectsAs(t, "portfolio", map[string]string{"NATS_URL": s.ClientURL(), "NATS_USER": "portfolio", "NATS_PASSWORD": "s3cret"})
}

// TestLoadStandaloneConnectsWithACredsFile runs a server in operator mode
// (accounts and users as JWTs, what `nsc` manages) whose user carries the
// service's permissions, and connects with the user's .creds file.
func TestLoadStandaloneConnectsWithACredsFile(t *testing.T) {
	t.Parallel()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	operator, err := nkeys.CreateOperator()
	must(err)
	opub, err := operator.PublicKey()
	must(err)
	oc := jwt.NewOperatorClaims(opub)
	sys, err := nkeys.CreateAccount()
	must(err)
	syspub, err := sys.PublicKey()
	must(err)
	oc.SystemAccount = syspub
	ojwt, err := oc.Encode(operator)
	must(err)
	oc, err = jwt.DecodeOperatorClaims(ojwt)
	must(err)
	account, err := nkeys.CreateAccount()
	must(err)
	apub, err := account.PublicKey()
	must(err)
	ac := jwt.NewAccountClaims(apub)
	ac.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1}
	ajwt, err := ac.Encode(operator)
	must(err)
	sjwt, err := jwt.NewAccountClaims(syspub).Encode(operator)
	must(err)
	resolver := &server.MemAccResolver{}
	must(resolver.Store(apub, ajwt))
	must(resolver.Store(syspub, sjwt))

	user, err := nkeys.CreateUser()
	must(err)
	upub, err := user.PublicKey()
	must(err)
	uc := jwt.NewUserClaims(upub)
	perms, err := natsauth.PermissionsFor("certification")
	must(err)
	uc.Pub.Allow.Add(perms.Publish...)
	uc.Sub.Allow.Add(perms.Subscribe...)
	ujwt, err := uc.Encode(account)
	must(err)
	seed, err := user.Seed()
	must(err)
	creds, err := jwt.FormatUserConfig(ujwt, seed)
	must(err)
	credsFile := filepath.Join(t.TempDir(), "certification.creds")
	must(os.WriteFile(credsFile, creds, 0o600))

	s, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
		TrustedOperators: []*jwt.OperatorClaims{oc}, AccountResolver: resolver, SystemAccount: syspub,
	})
	must(err)
	s.Start()
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("server not ready")
	}
	connectsAs(t, "certification", map[string]string{"NATS_URL": s.ClientURL(), "NATS_CREDS_FILE": credsFile})
}

// TestLoadStandaloneConnectsOverTLS runs a JetStream server that requires
// TLS with client certificates of the development authority on top of the
// services' nkeys (deploy/nats/nats-server.conf's tls block): a service
// connects with the authority and its certificate, and not without them.
func TestLoadStandaloneConnectsOverTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := devcerts.Generate(dir, devcerts.Options{}); err != nil {
		t.Fatal(err)
	}
	file := func(name string) string { return filepath.Join(dir, name) }
	tlsConfig, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: file("nats.crt"), KeyFile: file("nats.key"), CaFile: file("ca.crt"), Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := natsauth.Generate()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := creds.PublicKey("candidate")
	if err != nil {
		t.Fatal(err)
	}
	perms, err := natsauth.PermissionsFor("candidate")
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
		TLS: true, TLSVerify: true, TLSConfig: tlsConfig, TLSTimeout: 5,
		Nkeys: []*server.NkeyUser{{Nkey: pub, Permissions: &server.Permissions{
			Publish: &server.SubjectPermission{Allow: perms.Publish}, Subscribe: &server.SubjectPermission{Allow: perms.Subscribe},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("server not ready")
	}
	seed, err := creds.Seed("candidate")
	if err != nil {
		t.Fatal(err)
	}
	seedPath := filepath.Join(t.TempDir(), "candidate.nk")
	if err := os.WriteFile(seedPath, []byte(seed), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(extra map[string]string) map[string]string {
		// METRICS_ADDR=off: no metrics listener, which parallel tests would share.
		m := map[string]string{"NATS_URL": s.ClientURL(), "NATS_NKEY_SEED_FILE": seedPath, "METRICS_ADDR": "off"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}

	connectsAs(t, "candidate", env(map[string]string{
		"NATS_TLS_CA_FILE": file("ca.crt"), "NATS_TLS_CERT_FILE": file("candidate.crt"), "NATS_TLS_KEY_FILE": file("candidate.key"),
	}))

	other := t.TempDir()
	if _, err := devcerts.Generate(other, devcerts.Options{}); err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct {
		env  map[string]string
		want string
	}{
		"without TLS":                  {env(nil), "certificate signed by unknown authority"},
		"without a client certificate": {env(map[string]string{"NATS_TLS_CA_FILE": file("ca.crt")}), "tls"}, // "certificate required" or the connection closed, as TLS 1.3 goes
		"trusting another authority": {env(map[string]string{"NATS_TLS_CA_FILE": filepath.Join(other, "ca.crt"),
			"NATS_TLS_CERT_FILE": file("candidate.crt"), "NATS_TLS_KEY_FILE": file("candidate.key")}), "certificate signed by unknown authority"},
		"with another authority's certificate": {env(map[string]string{"NATS_TLS_CA_FILE": file("ca.crt"),
			"NATS_TLS_CERT_FILE": filepath.Join(other, "candidate.crt"), "NATS_TLS_KEY_FILE": filepath.Join(other, "candidate.key")}), "tls"},
	} {
		tt.env["AUTH_ISSUER"] = "https://idp.example/"
		got, err := svcrun.LoadStandalone(context.Background(), "candidate", func(k string) string { return tt.env[k] })
		if err == nil {
			got.Close()
			t.Errorf("%s: connected", name)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q; want it to mention %q", name, err, tt.want)
		}
		t.Logf("%s: %v", name, err)
	}
}
