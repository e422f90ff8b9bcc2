package svcrun

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"google.golang.org/grpc/health"

	"github.com/titrepro/titrepro/internal/natsauth"
	"github.com/titrepro/titrepro/internal/natstest"
)

// adminSeedFile writes the operator's nkey seed on s to a 0600 file: the
// fake service touches no stream, any identity would do.
func adminSeedFile(t *testing.T, s *server.Server) string {
	t.Helper()
	seed, err := natstest.Credentials(t, s).Seed(natsauth.Admin)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "admin.nk")
	if err := os.WriteFile(path, []byte(seed), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fakeService records that it ran and returns err.
type fakeService struct {
	ran bool
	err error
}

func (s *fakeService) Run(ctx context.Context) error {
	s.ran = true
	return s.err
}

func (s *fakeService) Health() *health.Server { return health.NewServer() }

type fakeConfig struct{ addr string }

func TestRunMain(t *testing.T) {
	t.Parallel()
	errLoad, errBuild, errRun := errors.New("bad config"), errors.New("cannot build"), errors.New("stopped badly")
	tests := []struct {
		name      string
		issuer    string // AUTH_ISSUER; "" makes LoadStandalone fail
		loadErr   error
		buildErr  error
		runErr    error
		wantErr   error  // matched with errors.Is
		wantText  string // substring of the error
		wantBuild bool
		wantRun   bool
	}{
		{name: "clean stop", issuer: "https://idp", wantBuild: true, wantRun: true},
		{name: "run fails", issuer: "https://idp", runErr: errRun, wantErr: errRun, wantBuild: true, wantRun: true},
		{name: "config is refused first", issuer: "", loadErr: errLoad, wantErr: errLoad, wantText: "config: bad config"},
		{name: "standalone settings are refused", issuer: "", wantText: "AUTH_ISSUER is required"},
		{name: "build fails", issuer: "https://idp", buildErr: errBuild, wantErr: errBuild, wantBuild: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ns := natstest.RunJetStream(t)
			env := map[string]string{"AUTH_ISSUER": tt.issuer, "NATS_URL": ns.ClientURL(), "GRPC_ADDR": "127.0.0.1:1",
				"METRICS_ADDR":        "127.0.0.1:0",
				"NATS_NKEY_SEED_FILE": adminSeedFile(t, ns)}
			getenv := func(k string) string { return env[k] }
			load := func(getenv func(string) string) (fakeConfig, error) {
				return fakeConfig{addr: getenv("GRPC_ADDR")}, tt.loadErr
			}
			svc := &fakeService{err: tt.runErr}
			var built *Standalone
			build := func(ctx context.Context, cfg fakeConfig, s *Standalone) (*fakeService, error) {
				if cfg.addr != "127.0.0.1:1" {
					t.Errorf("build got config %+v; want the loaded one", cfg)
				}
				if s.Log == nil || s.Verifier == nil || s.JetStream == nil {
					t.Errorf("build got an incomplete Standalone %+v", s)
				}
				built = s
				return svc, tt.buildErr
			}

			err := runMain(t.Context(), "test", getenv, load, build)

			if tt.wantErr == nil && tt.wantText == "" {
				if err != nil {
					t.Fatalf("runMain() = %v; want nil", err)
				}
			} else {
				if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) || !strings.Contains(err.Error(), tt.wantText) {
					t.Fatalf("runMain() = %v; want %v mentioning %q", err, tt.wantErr, tt.wantText)
				}
			}
			if (built != nil) != tt.wantBuild || svc.ran != tt.wantRun {
				t.Fatalf("built = %v, ran = %v; want %v, %v", built != nil, svc.ran, tt.wantBuild, tt.wantRun)
			}
			if built != nil && !built.conn.IsClosed() {
				t.Error("the NATS connection is still open after runMain returned")
			}
		})
	}
}
