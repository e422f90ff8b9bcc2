package assessment_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/svctest"
	"github.com/titrepro/titrepro/services/assessment"
)

// env is a running assessment service with its JetStream, its token issuer
// and a client.
type env struct {
	harness *svctest.Env
	js      jetstream.JetStream
	client  assessmentv1.AssessmentServiceClient
}

// start runs an assessment service on 127.0.0.1:0 with a SQLite file, an
// embedded JetStream and a local token issuer. At cleanup it stops the
// service and checks that Run returned nil.
func start(t *testing.T) *env {
	t.Helper()
	return startOn(t, "sqlite://"+filepath.Join(t.TempDir(), "assessment.db"))
}

// startOn is start on the database at databaseURL.
func startOn(t testing.TB, databaseURL string) *env {
	t.Helper()
	h := svctest.NewEnv(t)
	cfg, err := assessment.LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	cfg.DatabaseURL = databaseURL
	cfg.ShutdownTimeout = 5 * time.Second
	svc, err := assessment.New(t.Context(), cfg, assessment.Deps{
		Logger:    h.Logger,
		Verifier:  h.Verifier,
		JetStream: h.JetStreamAs(t, "assessment"),
		Listener:  svctest.Listen(t),
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	conn := svctest.Start(t, svc).Conn
	return &env{harness: h, js: h.JetStream, client: assessmentv1.NewAssessmentServiceClient(conn)}
}

// as returns a call option carrying a token for p.
func (e *env) as(t testing.TB, p auth.Principal) grpc.CallOption {
	t.Helper()
	return e.harness.As(t, p)
}

// eventually polls cond until it returns nil, or fails the test with its
// last error after svctest.WaitFor.
var eventually = svctest.Eventually

// publish publishes ev on the stream of context ctxName the way the
// owner's relay does (CloudEvents headers), and waits until durable has
// acknowledged it.
func (e *env) publish(t testing.TB, ctxName, subject, durable string, ev proto.Message, resource string) {
	t.Helper()
	e.waitConsumed(t, ctxName, durable, e.send(t, ctxName, subject, ev, resource))
}

// send publishes ev as publish does, without waiting, and returns its
// stream sequence.
func (e *env) send(t testing.TB, ctxName, subject string, ev proto.Message, resource string) uint64 {
	t.Helper()
	stream := eventbus.ContextStream(ctxName)
	if err := eventbus.EnsureStream(t.Context(), e.js, stream); err != nil {
		t.Fatalf("ensure %s: %v", stream.Name, err)
	}
	data, err := proto.Marshal(ev)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	id := fmt.Sprintf("%s-%d", resource, time.Now().UnixNano())
	m := nats.NewMsg(subject)
	m.Header.Set(jetstream.MsgIDHeader, id)
	m.Header.Set(eventbus.HeaderSpecVersion, eventbus.SpecVersion)
	m.Header.Set(eventbus.HeaderID, id)
	m.Header.Set(eventbus.HeaderType, string(ev.ProtoReflect().Descriptor().FullName()))
	m.Header.Set(eventbus.HeaderSource, "titrepro/"+ctxName)
	m.Header.Set(eventbus.HeaderSubject, resource)
	m.Header.Set(eventbus.HeaderTime, time.Now().UTC().Format(time.RFC3339Nano))
	m.Header.Set(eventbus.HeaderContentType, eventbus.ContentTypeProtobuf)
	m.Data = data
	ack, err := e.js.PublishMsg(t.Context(), m)
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	return ack.Sequence
}

// waitConsumed waits until durable has acknowledged the stream of context
// ctxName up to sequence seq.
func (e *env) waitConsumed(t testing.TB, ctxName, durable string, seq uint64) {
	t.Helper()
	stream := eventbus.ContextStream(ctxName)
	eventually(t, durable+" consumes up to "+fmt.Sprint(seq), func() error {
		c, err := e.js.Consumer(t.Context(), stream.Name, durable)
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

// publishTitle announces TP-00495 version 2008: three CCPs, the MSP in
// both session types and the entretien final in sessions titre.
func (e *env) publishTitle(t testing.TB) {
	t.Helper()
	ccp := func(code string, n int) *certificationv1.Ccp {
		c := &certificationv1.Ccp{Code: code}
		for i := 1; i <= n; i++ {
			c.Competences = append(c.Competences, &certificationv1.Competence{Code: fmt.Sprintf("%s-C%d", code, i)})
		}
		return c
	}
	e.publish(t, "certification", "titrepro.certification.v1.title_version_published", "assessment_titles",
		&certificationv1.TitleVersionPublished{EventId: "title-1", Title: &certificationv1.Title{
			Id: "TP-00495", Version: "2008", Label: "TSGERI",
			Ccps: []*certificationv1.Ccp{ccp("CCP1", 2), ccp("CCP2", 2), ccp("CCP3", 1)},
			Epreuves: []*certificationv1.Epreuve{
				{Kind: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE,
					SessionTypes: []certificationv1.SessionType{certificationv1.SessionType_SESSION_TYPE_TITRE, certificationv1.SessionType_SESSION_TYPE_CCP}},
				{Kind: certificationv1.EpreuveKind_EPREUVE_KIND_ENTRETIEN_FINAL,
					SessionTypes: []certificationv1.SessionType{certificationv1.SessionType_SESSION_TYPE_TITRE}},
			},
		}}, "titles/TP-00495")
	e.publishRegisters(t)
}

// Fixture entries of the ministry's registers (publishRegisters).
const (
	// registerSite is the site of both centres' agréments.
	registerSite = "AFPA Lyon Vénissieux"
	// trainerJuror is habilitated as a trainer: not in a CCP session (R20).
	trainerJuror = "juror-trainer"
	// newJuror is habilitated but has not accepted the charte (R23).
	newJuror = "juror-new"
)

// publishRegisters announces what the ministry's registers hold for the
// tests, as the certification service publishes it: agréments of both
// centres for TP-00495 version 2008 at registerSite, 2025 to 2027 (R8);
// habilitations "HAB-<subject>" for TP-00495 from 2025-01-01 to 2027-12-31
// of juror-1 to juror-9 (juror-4's ends on 2026-06-02, before the test
// sessions end: R16), trainerJuror and newJuror; and the charte accepted
// by all of them but newJuror (R23). It returns once the assessment
// service has projected them.
func (e *env) publishRegisters(t testing.TB) {
	t.Helper()
	granted := certificationv1.RegisterState_REGISTER_STATE_GRANTED
	var seq uint64
	send := func(subject string, ev proto.Message, resource string) {
		seq = e.send(t, "certification", "titrepro.certification.v1."+subject, ev, resource)
	}
	for i, c := range []string{centre.Centre, otherCentre.Centre} {
		id := fmt.Sprintf("AGR-TEST-%d", i+1)
		send("agrement_granted", &certificationv1.AgrementGranted{EventId: id, Agrement: &certificationv1.Agrement{
			Id: id, CentreId: c, TitleId: "TP-00495", TitleVersion: "2008", Site: registerSite,
			ValidFrom: "2025-01-01", ValidTo: "2027-12-31", State: granted, Version: 1,
		}}, "agrements/"+id)
	}
	subjects := []string{trainerJuror, newJuror}
	for i := 1; i <= 9; i++ {
		subjects = append(subjects, fmt.Sprintf("juror-%d", i))
	}
	for _, s := range subjects {
		h := &certificationv1.Habilitation{Number: "HAB-" + s, JurorSubject: s, JurorName: "Juror " + s,
			JurorEmail: s + "@example.org", TitleId: "TP-00495", ValidFrom: "2025-01-01", ValidTo: "2027-12-31",
			Trainer: s == trainerJuror, State: granted, Version: 1}
		if s == "juror-4" {
			h.ValidTo = "2026-06-02"
		}
		send("habilitation_granted", &certificationv1.HabilitationGranted{EventId: h.Number, Habilitation: h, JurorEmail: h.JurorEmail},
			"habilitations/"+h.Number)
		if s != newJuror {
			send("juror_charter_accepted", &certificationv1.JurorCharterAccepted{EventId: "charter-" + s,
				Acceptance: &certificationv1.CharterAcceptance{JurorSubject: s, CharterVersion: "1", AcceptTime: timestamppb.Now()}},
				"jurors/"+s)
		}
	}
	e.waitConsumed(t, "certification", "assessment_registers", seq)
}

// publishCandidate announces a training-route candidate.
func (e *env) publishCandidate(t testing.TB, id, subject, organisation string) {
	t.Helper()
	e.waitConsumed(t, "candidate", "assessment_candidates", e.sendCandidate(t, id, subject, organisation))
}

// sendCandidate is publishCandidate without waiting.
func (e *env) sendCandidate(t testing.TB, id, subject, organisation string) uint64 {
	t.Helper()
	return e.send(t, "candidate", "titrepro.candidate.v1.candidate_registered",
		&candidatev1.CandidateRegistered{EventId: "cand-" + id, Version: 1, Candidate: &candidatev1.Candidate{
			Id: id, Subject: subject, BirthName: "Durand", GivenNames: []string{"Camille"},
			AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_TRAINING,
			Training:    &candidatev1.TrainingEnrolment{Organisation: organisation, TitleId: "TP-00495"},
		}}, "candidates/"+id)
}

// requireStatus fails unless err is a status with code, ErrorInfo reason
// and, when rule is set, that rule in the ErrorInfo metadata.
func requireStatus(t *testing.T, err error, code codes.Code, reason, rule string) {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok || st.Code() != code {
		t.Fatalf("error = %v; want code %s", err, code)
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			if info.GetReason() != reason || info.GetMetadata()["rule"] != rule {
				t.Fatalf("ErrorInfo = %v; want reason %s rule %q", info, reason, rule)
			}
			return
		}
	}
	t.Fatalf("error %v has no ErrorInfo", err)
}

// lastEvent returns the last message of the assessment stream on subject
// whose ce-subject is resource.
func (e *env) lastEvent(ctx context.Context, subject, resource string) (*jetstream.RawStreamMsg, error) {
	st, err := e.js.Stream(ctx, "TITREPRO_ASSESSMENT")
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
