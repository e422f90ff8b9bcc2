package candidate_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/natstest"
	"github.com/titrepro/titrepro/services/candidate"
)

const (
	waitFor = 20 * time.Second
	tick    = 20 * time.Millisecond
)

// env is a running candidate service with its JetStream, its token issuer
// and a client.
type env struct {
	js     jetstream.JetStream
	issuer *auth.LocalIssuer
	client candidatev1.CandidateServiceClient
	conn   *grpc.ClientConn
}

// start runs a candidate service on 127.0.0.1:0 with a SQLite file, an
// embedded JetStream and a local token issuer. At cleanup it stops the
// service and checks that Run returned nil.
func start(t *testing.T) *env {
	t.Helper()
	_, js := natstest.Connect(t, natstest.RunJetStream(t))
	issuer, err := auth.LoadOrCreateLocalIssuer(t.TempDir(), "https://titrepro.test", "titrepro")
	if err != nil {
		t.Fatalf("issuer: %v", err)
	}
	verifier, err := auth.NewJWKSVerifier(issuer.VerifierOptions())
	if err != nil {
		t.Fatalf("verifier: %v", err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	cfg, err := candidate.LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	cfg.DatabaseURL = "sqlite://" + filepath.Join(t.TempDir(), "candidate.db")
	cfg.ShutdownTimeout = 5 * time.Second
	svc, err := candidate.New(t.Context(), cfg, candidate.Deps{
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Verifier:  verifier,
		JetStream: js,
		Listener:  lis,
	})
	if err != nil {
		_ = lis.Close()
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run() = %v; want nil after a clean shutdown", err)
			}
		case <-time.After(waitFor):
			t.Errorf("Run did not return after cancel")
		}
	})
	conn, err := grpcx.Dial(svc.Addr())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &env{js: js, issuer: issuer, client: candidatev1.NewCandidateServiceClient(conn), conn: conn}
}

// as returns a call option carrying a token for p.
func (e *env) as(t *testing.T, p auth.Principal) grpc.CallOption {
	t.Helper()
	token, err := e.issuer.Issue(p, time.Hour)
	if err != nil {
		t.Fatalf("issue token: %v", err)
	}
	return grpc.PerRPCCredsCallOption{Creds: bearer(token)}
}

// bearer sends a token over the test's plaintext connection.
type bearer string

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}

func (bearer) RequireTransportSecurity() bool { return false }

// eventually polls cond until it returns nil, or fails the test with its
// last error after waitFor.
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
		time.Sleep(tick)
	}
}

// lastMsg returns the last message of the candidate stream on subject whose
// ce-subject is resource.
func lastMsg(ctx context.Context, js jetstream.JetStream, subject, resource string) (*jetstream.RawStreamMsg, error) {
	st, err := js.Stream(ctx, "TITREPRO_CANDIDATE")
	if err != nil {
		return nil, err
	}
	m, err := st.GetLastMsgForSubject(ctx, subject)
	if err != nil {
		return nil, err
	}
	if got := m.Header.Get("ce-subject"); got != resource {
		return nil, errors.New("last " + subject + " is about " + got + ", not " + resource)
	}
	return m, nil
}
