package candidate_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/mail/smtptest"
	"github.com/titrepro/titrepro/internal/svctest"
	"github.com/titrepro/titrepro/services/candidate"
)

// notifyEnv is a candidate service sending to a real SMTP server, which the
// test can stop and start again on the same database and bus.
type notifyEnv struct {
	t       *testing.T
	harness *svctest.Env
	dbURL   string
	smtp    *smtptest.Server
	running *svctest.Running
	client  candidatev1.CandidateServiceClient
}

func newNotifyEnv(t *testing.T) *notifyEnv {
	e := &notifyEnv{t: t, harness: svctest.NewEnv(t), smtp: smtptest.Start(t),
		dbURL: "sqlite://" + filepath.Join(t.TempDir(), "candidate.db")}
	e.start()
	return e
}

func (e *notifyEnv) start() {
	t := e.t
	t.Helper()
	cfg, err := candidate.LoadConfig(func(k string) string {
		return map[string]string{"SMTP_HOST": e.smtp.Host(), "SMTP_PORT": strconv.Itoa(e.smtp.Port()), "SMTP_TLS": "none",
			"SMTP_FROM": "Titre professionnel <ne-pas-repondre@example.gouv.fr>", "SMTP_TIMEOUT": "5s"}[k]
	})
	require.NoError(t, err)
	cfg.DatabaseURL, cfg.ShutdownTimeout = e.dbURL, 5*time.Second
	svc, err := candidate.New(t.Context(), cfg, candidate.Deps{
		Logger: e.harness.Logger, Verifier: e.harness.Verifier, JetStream: e.harness.JetStreamAs(t, "candidate"),
		Listener: svctest.Listen(t), MailFirstRetry: 50 * time.Millisecond,
	})
	require.NoError(t, err)
	e.running = svctest.Start(t, svc)
	e.client = candidatev1.NewCandidateServiceClient(e.running.Conn)
}

// publish sends an event of another context as its outbox relay does.
func (e *notifyEnv) publish(context_, resource string, m proto.Message) string {
	t := e.t
	t.Helper()
	ctx := context.Background()
	js := e.harness.JetStream
	require.NoError(t, eventbus.EnsureStream(ctx, js, eventbus.ContextStream(context_)))
	data, err := proto.Marshal(m)
	require.NoError(t, err)
	id := uuid.NewString()
	msg := nats.NewMsg(eventbus.SubjectOf(m))
	msg.Data = data
	msg.Header.Set(eventbus.HeaderSpecVersion, eventbus.SpecVersion)
	msg.Header.Set(eventbus.HeaderID, id)
	msg.Header.Set(eventbus.HeaderType, eventbus.TypeOf(m))
	msg.Header.Set(eventbus.HeaderSource, "titrepro/"+context_)
	msg.Header.Set(eventbus.HeaderSubject, resource)
	msg.Header.Set(eventbus.HeaderTime, time.Now().UTC().Format(time.RFC3339Nano))
	msg.Header.Set(eventbus.HeaderContentType, eventbus.ContentTypeProtobuf)
	msg.Header.Set(jetstream.MsgIDHeader, id)
	_, err = js.PublishMsg(ctx, msg)
	require.NoError(t, err)
	return id
}

func (e *notifyEnv) createCandidate(i int) string {
	e.t.Helper()
	c := validCandidate()
	c.BirthName = fmt.Sprintf("Martin%d", i)
	c.Email = fmt.Sprintf("candidat%d@example.org", i)
	created, err := e.client.CreateCandidate(context.Background(), &candidatev1.CreateCandidateRequest{Candidate: c}, e.harness.As(e.t, centre))
	require.NoError(e.t, err)
	return created.GetCandidate().GetId()
}

func (e *notifyEnv) registerCandidacy(sessionID, candidateID string, i int) string {
	return e.publish("assessment", "sessions/"+sessionID+"/candidacies/cy", &assessmentv1.CandidacyRegistered{
		SessionId: sessionID, CandidacyId: fmt.Sprintf("cy-%d", i), CandidateId: candidateID, CcpCodes: []string{"CCP1"},
	})
}

func (e *notifyEnv) planSession(id string) {
	e.publish("certification", "titles/TP-00495/versions/2008", &certificationv1.TitleVersionPublished{Title: &certificationv1.Title{
		Id: "TP-00495", Version: "2008", Label: "Technicien supérieur de gestion des risques",
		Ccps: []*certificationv1.Ccp{{Code: "CCP1", Order: 1, Label: "Préparer les opérations"}},
	}})
	e.publish("assessment", "sessions/"+id, &assessmentv1.SessionPlanned{
		SessionId: id, CentreId: "CENTRE-69-001", Type: assessmentv1.SessionType_SESSION_TYPE_TITRE, TitleId: "TP-00495",
		TitleVersion: "2008", CcpCodes: []string{"CCP1"}, StartDate: "2026-06-15", EndDate: "2026-06-16", DossierDeadline: "2026-06-01",
		Site: "AFPA Lyon Vénissieux",
	})
}

func TestService_ConvocationsExactlyOnceAcrossARestart(t *testing.T) {
	t.Parallel()
	e := newNotifyEnv(t)
	const first, second = 12, 5
	candidates := make([]string, first+second)
	for i := range candidates {
		candidates[i] = e.createCandidate(i)
	}
	e.planSession("s1")
	// The server refuses for a while (4xx): the first messages wait pending,
	// retried later.
	e.smtp.Refuse(4, 451)
	want := map[string]string{} // Message-ID → address
	for i := range first {
		eventID := e.registerCandidacy("s1", candidates[i], i)
		want[messageID(eventID, candidates[i])] = fmt.Sprintf("candidat%d@example.org", i)
	}
	// Stop mid-flow: some convocations sent, others pending or not even
	// written yet.
	e.smtp.WaitFor(t, 1, svctest.WaitFor)
	e.running.Stop()
	sentBefore := len(e.smtp.Messages())
	// Events keep coming while the service is down.
	for i := first; i < first+second; i++ {
		eventID := e.registerCandidacy("s1", candidates[i], i)
		want[messageID(eventID, candidates[i])] = fmt.Sprintf("candidat%d@example.org", i)
	}
	e.start()
	got := e.smtp.WaitFor(t, first+second, svctest.WaitFor)
	time.Sleep(300 * time.Millisecond) // anything sent twice would show by now
	got = e.smtp.Messages()
	t.Logf("%d sent before the restart, %d in all, %d refusals", sentBefore, len(got), e.smtp.Refused())
	require.GreaterOrEqual(t, e.smtp.Refused(), 1)

	counts := e.smtp.CountByID()
	require.Len(t, counts, len(want), "one message per convocation")
	for id, to := range want {
		require.Equal(t, 1, counts[id], "Message-ID %s sent %d times", id, counts[id])
		for _, m := range got {
			if m.MessageID == id {
				require.Equal(t, []string{to}, m.To)
				require.Contains(t, m.Subject, "Convocation – titre professionnel Technicien supérieur de gestion des risques")
				require.Contains(t, m.Text, "du lundi 15 juin 2026 au mardi 16 juin 2026")
				require.Contains(t, m.Text, "CCP1 – Préparer les opérations")
				require.Contains(t, m.Text, "au plus tard le lundi 1er juin 2026")
				require.Contains(t, m.Text, "Lieu : AFPA Lyon Vénissieux")
				require.True(t, strings.HasPrefix(m.Header.Get("Content-Type"), "multipart/alternative"), m.Header.Get("Content-Type"))
			}
		}
	}
}

func messageID(eventID, candidateID string) string {
	// notice.MessageID is internal; its derivation is the documented one
	// (docs/adr/0014): the same inputs give the same id on every run.
	return candidate.NotificationMessageID(eventID, "candidate_convocation", "candidate:"+candidateID)
}

func TestService_ResultsWaitForTheValidation(t *testing.T) {
	t.Parallel()
	e := newNotifyEnv(t)
	cand := e.createCandidate(1)
	e.planSession("s2")
	e.registerCandidacy("s2", cand, 1)
	e.publish("assessment", "sessions/s2/jurors/j1", &assessmentv1.JurorAssigned{SessionId: "s2", JurorSubject: "j1", JurorName: "Jeanne Dupont"})
	e.smtp.WaitFor(t, 1, svctest.WaitFor)
	e.publish("assessment", "sessions/s2", &assessmentv1.MinutesSigned{SessionId: "s2", ContentHash: "h1", JuryDate: "2026-06-16",
		Lines: []*assessmentv1.MinutesLine{{CandidacyId: "cy-1", CandidateId: cand, TitleOutcome: assessmentv1.TitleOutcome_TITLE_OUTCOME_AWARDED,
			CcpDecisions: []*assessmentv1.CcpDecision{{CcpCode: "CCP1", Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED}}}}})
	time.Sleep(500 * time.Millisecond)
	for _, m := range e.smtp.Messages() {
		require.NotContains(t, m.Subject, "résultats", "R51: results before the validation")
	}
	require.Len(t, e.smtp.Messages(), 1, "only the candidate's convocation: the juror's address is unknown")

	e.publish("certification", "sessions/s2/results", &certificationv1.ResultsValidated{SessionId: "s2", MinutesHash: "h1", JuryDate: "2026-06-16"})
	got := e.smtp.WaitFor(t, 2, svctest.WaitFor)
	var subjects []string
	for _, m := range got {
		subjects = append(subjects, m.Subject)
	}
	require.Len(t, got, 2, "the convocation and the results; the juror's convocation is held: %v", subjects)
	require.Contains(t, got[1].Subject, "Vos résultats")
	require.Contains(t, got[1].Text, "CCP1 – Préparer les opérations : obtenu")
	require.Equal(t, []string{"candidat1@example.org"}, got[1].To)
}
