package certification_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/natstest"

	"github.com/titrepro/titrepro/services/certification"
)

const (
	waitFor = 20 * time.Second
	tick    = 20 * time.Millisecond
)

// referentiels is the repository's folder of title files.
var referentiels = os.DirFS("../../referentiels")

// env is what the services of one test share: a JetStream server, a token
// issuer and a database file that survives a restart of the service.
type env struct {
	js       jetstream.JetStream
	issuer   *auth.LocalIssuer
	verifier auth.Verifier
	dbURL    string
	dataDir  string // survives restarts, like the database: holds the signing key
}

func newEnv(t *testing.T) *env {
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
	dataDir := t.TempDir()
	return &env{js: js, issuer: issuer, verifier: verifier, dbURL: "sqlite://" + filepath.Join(dataDir, "certification.db"), dataDir: dataDir}
}

// running is a started service and a client connected to it.
type running struct {
	client certificationv1.CertificationServiceClient
	stop   func() // stops the service and checks that Run returned nil
}

// newService builds the service with the given referentials.
func (e *env) newService(t *testing.T, refs fs.FS) (*certification.Service, error) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { _ = lis.Close() })
	cfg := certification.Config{DatabaseURL: e.dbURL, ShutdownTimeout: 5 * time.Second,
		SigningKeyFile: filepath.Join(e.dataDir, "certificate-ed25519.pem")}
	return certification.New(t.Context(), cfg, certification.Deps{
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		Verifier:     e.verifier,
		JetStream:    e.js,
		Listener:     lis,
		Referentiels: refs,
	})
}

// start runs the service with the repository's referentials until the
// test ends or stop is called.
func (e *env) start(t *testing.T) running {
	t.Helper()
	svc, err := e.newService(t, referentiels)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run() = %v; want nil after a clean shutdown", err)
			}
		case <-time.After(waitFor):
			t.Errorf("Run did not return after cancel")
		}
	}
	t.Cleanup(stop)

	conn, err := grpcx.Dial(svc.Addr())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return running{client: certificationv1.NewCertificationServiceClient(conn), stop: stop}
}

// as returns a call option carrying a token for subject with roles.
func (e *env) as(t *testing.T, subject string, roles ...auth.Role) grpc.CallOption {
	t.Helper()
	p := auth.Principal{Subject: subject, Roles: roles}
	if len(roles) == 1 && roles[0] == auth.RoleCentre {
		p.Centre = "centre-1"
	}
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

// eventually polls cond until it returns nil or waitFor passes.
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

// publishCandidate publishes a candidate event the way the candidate
// service's relay does: CloudEvents headers, Nats-Msg-Id = msgID.
func (e *env) publishCandidate(t *testing.T, subject string, ev proto.Message, eventID, msgID, candidateID string) uint64 {
	t.Helper()
	if err := eventbus.EnsureStream(t.Context(), e.js, eventbus.ContextStream("candidate")); err != nil {
		t.Fatalf("ensure candidate stream: %v", err)
	}
	data, err := proto.Marshal(ev)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	m := nats.NewMsg(subject)
	m.Header.Set(jetstream.MsgIDHeader, msgID)
	m.Header.Set(eventbus.HeaderSpecVersion, eventbus.SpecVersion)
	m.Header.Set(eventbus.HeaderID, eventID)
	m.Header.Set(eventbus.HeaderType, string(ev.ProtoReflect().Descriptor().FullName()))
	m.Header.Set(eventbus.HeaderSource, "titrepro/candidate")
	m.Header.Set(eventbus.HeaderSubject, "candidates/"+candidateID)
	m.Header.Set(eventbus.HeaderTime, time.Now().UTC().Format(time.RFC3339Nano))
	m.Header.Set(eventbus.HeaderContentType, eventbus.ContentTypeProtobuf)
	m.Data = data
	ack, err := e.js.PublishMsg(t.Context(), m)
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	return ack.Sequence
}

// waitProcessed waits until the holder consumer has acknowledged every
// candidate event up to stream sequence seq.
func (e *env) waitProcessed(t *testing.T, seq uint64) {
	t.Helper()
	eventually(t, "holder consumer catches up", func() error {
		c, err := e.js.Consumer(t.Context(), "TITREPRO_CANDIDATE", "certification_holders")
		if err != nil {
			return err
		}
		info, err := c.Info(t.Context())
		if err != nil {
			return err
		}
		if info.AckFloor.Stream < seq {
			return errors.New("ack floor behind")
		}
		return nil
	})
}

// titleEvents returns the TitleVersionPublished events in the stream.
func (e *env) titleEvents(t *testing.T) []*certificationv1.TitleVersionPublished {
	t.Helper()
	stream, err := e.js.Stream(t.Context(), "TITREPRO_CERTIFICATION")
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
	info, err := stream.Info(t.Context())
	if err != nil {
		t.Fatalf("stream info: %v", err)
	}
	var out []*certificationv1.TitleVersionPublished
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		raw, err := stream.GetMsg(t.Context(), seq)
		if err != nil {
			t.Fatalf("get msg %d: %v", seq, err)
		}
		if raw.Subject != "titrepro.certification.v1.title_version_published" {
			continue
		}
		if got := raw.Header.Get(eventbus.HeaderType); got != "titrepro.certification.v1.TitleVersionPublished" {
			t.Fatalf("ce-type = %q", got)
		}
		var ev certificationv1.TitleVersionPublished
		if err := proto.Unmarshal(raw.Data, &ev); err != nil {
			t.Fatalf("decode: %v", err)
		}
		if ev.GetEventId() != raw.Header.Get(eventbus.HeaderID) {
			t.Fatalf("event_id %s != ce-id %s", ev.GetEventId(), raw.Header.Get(eventbus.HeaderID))
		}
		out = append(out, &ev)
	}
	return out
}

// countTitleEvents counts the events of one title version.
func countTitleEvents(evs []*certificationv1.TitleVersionPublished, code, version string) int {
	n := 0
	for _, ev := range evs {
		if ev.GetTitle().GetId() == code && ev.GetTitle().GetVersion() == version {
			n++
		}
	}
	return n
}

// registered builds a CandidateRegistered event.
func registered(eventID, candidateID, subject string, version int64, birthName string) *candidatev1.CandidateRegistered {
	return &candidatev1.CandidateRegistered{EventId: eventID, Candidate: candidate(candidateID, subject, birthName), Version: version}
}

// updated builds a CandidateUpdated event.
func updated(eventID, candidateID, subject string, version int64, birthName string) *candidatev1.CandidateUpdated {
	return &candidatev1.CandidateUpdated{EventId: eventID, Candidate: candidate(candidateID, subject, birthName),
		ChangedFields: []string{"birth_name"}, Version: version}
}

func candidate(id, subject, birthName string) *candidatev1.Candidate {
	return &candidatev1.Candidate{
		Id: id, Subject: subject, BirthName: birthName, UsageName: "Usage",
		GivenNames: []string{"Anne", "Marie"}, BirthDate: "1990-05-17",
		BirthPlace: &candidatev1.BirthPlace{Commune: "Lyon", CountryCode: "FR"},
		Email:      "anne@example.org",
	}
}
