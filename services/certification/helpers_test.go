package certification_test

import (
	"errors"
	"io/fs"
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
	"github.com/titrepro/titrepro/internal/svctest"

	"github.com/titrepro/titrepro/services/certification"
)

// waitFor bounds the tests' own waits, like svctest's.
const waitFor = svctest.WaitFor

// referentiels is the repository's folder of title files.
var referentiels = os.DirFS("../../referentiels")

// env is what the services of one test share: a JetStream server, a token
// issuer and a database file that survives a restart of the service.
type env struct {
	harness *svctest.Env
	js      jetstream.JetStream
	dbURL   string
	dataDir string // survives restarts, like the database: holds the signing key
}

func newEnv(t *testing.T) *env {
	t.Helper()
	h := svctest.NewEnv(t)
	dataDir := t.TempDir()
	return &env{harness: h, js: h.JetStream, dbURL: "sqlite://" + filepath.Join(dataDir, "certification.db"), dataDir: dataDir}
}

// running is a started service and a client connected to it.
type running struct {
	client certificationv1.CertificationServiceClient
	stop   func() // stops the service and checks that Run returned nil
}

// newService builds the service with the given referentials.
func (e *env) newService(t *testing.T, refs fs.FS) (*certification.Service, error) {
	t.Helper()
	cfg := e.config()
	return certification.New(t.Context(), cfg, certification.Deps{
		Logger:       e.harness.Logger,
		Verifier:     e.harness.Verifier,
		JetStream:    e.harness.JetStreamAs(t, "certification"),
		Listener:     svctest.Listen(t),
		Referentiels: refs,
	})
}

// config is the service's configuration: database, signing key and retired
// keys in the data folder.
func (e *env) config() certification.Config {
	return certification.Config{DatabaseURL: e.dbURL, ShutdownTimeout: 5 * time.Second,
		SigningKeyFile:  filepath.Join(e.dataDir, "certificate-ed25519.pem"),
		RetiredKeysFile: filepath.Join(e.dataDir, "certificate-keys-retired.json")}
}

// start runs the service with the repository's referentials until the
// test ends or stop is called.
func (e *env) start(t *testing.T) running {
	t.Helper()
	svc, err := e.newService(t, referentiels)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	run := svctest.Start(t, svc)
	return running{client: certificationv1.NewCertificationServiceClient(run.Conn), stop: run.Stop}
}

// as returns a call option carrying a token for subject with roles.
func (e *env) as(t *testing.T, subject string, roles ...auth.Role) grpc.CallOption {
	t.Helper()
	p := auth.Principal{Subject: subject, Roles: roles}
	if len(roles) == 1 && roles[0] == auth.RoleCentre {
		p.Centre = "centre-1"
	}
	return e.harness.As(t, p)
}

// eventually polls cond until it returns nil or waitFor passes.
var eventually = svctest.Eventually

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
