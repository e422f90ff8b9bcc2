package candidate_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/svctest"
	"github.com/titrepro/titrepro/services/candidate"
)

// env is a running candidate service with its JetStream, its token issuer
// and a client.
type env struct {
	harness *svctest.Env
	js      jetstream.JetStream
	issuer  *auth.LocalIssuer
	client  candidatev1.CandidateServiceClient
	conn    *grpc.ClientConn
}

// start runs a candidate service on 127.0.0.1:0 with a SQLite file, an
// embedded JetStream and a local token issuer. At cleanup it stops the
// service and checks that Run returned nil.
func start(t *testing.T) *env {
	t.Helper()
	return startOn(t, "sqlite://"+filepath.Join(t.TempDir(), "candidate.db"))
}

// startOn is start on the database at databaseURL.
func startOn(t testing.TB, databaseURL string) *env {
	t.Helper()
	h := svctest.NewEnv(t)
	cfg, err := candidate.LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	cfg.DatabaseURL = databaseURL
	cfg.ShutdownTimeout = 5 * time.Second
	cfg.Mail.PickupDir = t.TempDir()
	svc, err := candidate.New(t.Context(), cfg, candidate.Deps{
		Logger:    h.Logger,
		Verifier:  h.Verifier,
		JetStream: h.JetStreamAs(t, "candidate"),
		Listener:  svctest.Listen(t),
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	conn := svctest.Start(t, svc).Conn
	return &env{harness: h, js: h.JetStream, issuer: h.Issuer, client: candidatev1.NewCandidateServiceClient(conn), conn: conn}
}

// as returns a call option carrying a token for p.
func (e *env) as(t testing.TB, p auth.Principal) grpc.CallOption {
	t.Helper()
	return e.harness.As(t, p)
}

// eventually polls cond until it returns nil, or fails the test with its
// last error after svctest.WaitFor.
var eventually = svctest.Eventually

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
