package ports_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/assessment/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/assessment/internal/app"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
	"github.com/titrepro/titrepro/services/assessment/internal/ports"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

var now = time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)

func newConsumers(t *testing.T) (*ports.Consumers, *sqldb.DB) {
	t.Helper()
	db := dbtest.Engine{Name: dbtest.SQLite}.Open(t)
	ctx := context.Background()
	if err := sqlstore.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := outbox.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	ob := outbox.New(db)
	a := app.New(app.Deps{Sessions: sqlstore.NewSessionRepository(db, ob), Titles: sqlstore.NewTitleRepository(db, clock),
		Candidates: sqlstore.NewCandidateRepository(db), Registers: sqlstore.NewRegisterRepository(db),
		Hasher: protoconv.MinutesHasher{}, Now: clock})
	c := ports.NewConsumers(a.Commands, func(tx *sqldb.Tx) ports.Repos {
		return ports.Repos{Sessions: sqlstore.NewSessionRepositoryTx(tx, ob), Titles: sqlstore.NewTitleRepository(tx, clock),
			Candidates: sqlstore.NewCandidateRepository(tx), Registers: sqlstore.NewRegisterRepository(tx)}
	}, slog.New(slog.NewTextHandler(io.Discard, nil)), clock)
	return c, db
}

func message(t *testing.T, ev proto.Message) eventbus.Message {
	t.Helper()
	data, err := proto.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return eventbus.Message{ID: "ev-1", Type: string(ev.ProtoReflect().Descriptor().FullName()), Data: data, Time: now}
}

func handle(t *testing.T, db *sqldb.DB, h func(context.Context, *sqldb.Tx, eventbus.Message) error, msg eventbus.Message) error {
	t.Helper()
	return db.InTx(context.Background(), func(tx *sqldb.Tx) error { return h(context.Background(), tx, msg) })
}

func TestHandleTitleProjectsTheStructure(t *testing.T) {
	t.Parallel()
	c, db := newConsumers(t)
	ev := &certificationv1.TitleVersionPublished{Title: &certificationv1.Title{Id: "TP-00495", Version: "2008",
		Ccps: []*certificationv1.Ccp{{Code: "CCP1", Competences: []*certificationv1.Competence{{Code: "CCP1-C1"}}}},
		Epreuves: []*certificationv1.Epreuve{{Kind: certificationv1.EpreuveKind_EPREUVE_KIND_ENTRETIEN_FINAL,
			SessionTypes: []certificationv1.SessionType{certificationv1.SessionType_SESSION_TYPE_TITRE}}}}}
	if err := handle(t, db, c.HandleTitle, message(t, ev)); err != nil {
		t.Fatalf("HandleTitle() = %v", err)
	}
	got, err := sqlstore.NewTitleRepository(db, time.Now).Get(context.Background(), "TP-00495", "2008")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.CCPs) != 1 || got.CCPs[0].Competences[0] != "CCP1-C1" || got.EpreuvesFor(title.SessionTitre)[0] != title.EntretienFinal {
		t.Fatalf("projected %+v", got)
	}
	// A title without CCP (R1) can never be used: terminated, not retried.
	bad := &certificationv1.TitleVersionPublished{Title: &certificationv1.Title{Id: "TP-1", Version: "1"}}
	if err := handle(t, db, c.HandleTitle, message(t, bad)); !errors.Is(err, title.ErrInvalid) || apperr.IsRetryable(err) {
		t.Fatalf("HandleTitle(no CCP) = %v; want non-retryable TITLE_INVALID", err)
	}
}

func TestHandleCandidate(t *testing.T) {
	t.Parallel()
	c, db := newConsumers(t)
	reg := &candidatev1.CandidateRegistered{Version: 1, Candidate: &candidatev1.Candidate{Id: "cand-1", Subject: "s", BirthName: "Durand",
		Training: &candidatev1.TrainingEnrolment{Organisation: "AFPA"}}}
	if err := handle(t, db, c.HandleCandidate, message(t, reg)); err != nil {
		t.Fatalf("HandleCandidate() = %v", err)
	}
	got, err := sqlstore.NewCandidateRepository(db).Get(context.Background(), "cand-1")
	if err != nil || got.TrainingOrganisation != "AFPA" || got.Version != 1 {
		t.Fatalf("projected %+v, %v", got, err)
	}
	tests := []struct {
		name string
		msg  eventbus.Message
		want error
	}{
		{"another event type", eventbus.Message{ID: "e", Type: "titrepro.candidate.v1.CandidateErased"}, eventbus.ErrUnexpectedEvent},
		{"payload that does not decode", eventbus.Message{ID: "e", Type: "titrepro.candidate.v1.CandidateUpdated", Data: []byte{0xff, 0xff}}, eventbus.ErrUnexpectedEvent},
		{"event without a version", message(t, &candidatev1.CandidateUpdated{Candidate: &candidatev1.Candidate{Id: "cand-1"}}), candidate.ErrInvalid},
	}
	for _, tt := range tests {
		err := handle(t, db, c.HandleCandidate, tt.msg)
		if !errors.Is(err, tt.want) || apperr.IsRetryable(err) {
			t.Errorf("%s: HandleCandidate() = %v; want non-retryable %v", tt.name, err, tt.want)
		}
	}
}

func TestHandleDossierForUnknownSessionIsAcknowledged(t *testing.T) {
	t.Parallel()
	c, db := newConsumers(t)
	ev := &portfoliov1.DossierSubmitted{SessionId: "0197a5d0-0000-7000-8000-00000000dead", CandidateId: "cand-1", SnapshotId: "snap"}
	if err := handle(t, db, c.HandleDossier, message(t, ev)); err != nil {
		t.Fatalf("HandleDossier(unknown session) = %v; want nil (acknowledged)", err)
	}
	wrong := message(t, ev)
	wrong.Type = "titrepro.portfolio.v1.DossierDeleted"
	if err := handle(t, db, c.HandleDossier, wrong); !errors.Is(err, eventbus.ErrUnexpectedEvent) {
		t.Fatalf("HandleDossier(other type) = %v", err)
	}
}

// TestConsumersReadTheEventsTheyFollow: each consumer's handler reads every
// event the consumer follows (its filter subjects) and refuses any other.
func TestConsumersReadTheEventsTheyFollow(t *testing.T) {
	t.Parallel()
	c, db := newConsumers(t)
	for _, cons := range c.All() {
		for _, ev := range cons.Events {
			if err := handle(t, db, cons.Handle, message(t, ev)); errors.Is(err, eventbus.ErrUnexpectedEvent) {
				t.Errorf("%s cannot read %s, which it follows: %v", cons.Durable, eventbus.TypeOf(ev), err)
			}
		}
		other := eventbus.Message{ID: "ev-2", Type: "titrepro.test.v1.ThingHappened"}
		if err := handle(t, db, cons.Handle, other); !errors.Is(err, eventbus.ErrUnexpectedEvent) {
			t.Errorf("%s on another event = %v; want ErrUnexpectedEvent", cons.Durable, err)
		}
	}
}

// TestHandleRegisterRefusesAnEntryWithoutKey: a register event naming no
// entry is refused for good (not retried), and a complete one is applied.
func TestHandleRegisterRefusesAnEntryWithoutKey(t *testing.T) {
	t.Parallel()
	c, db := newConsumers(t)
	err := handle(t, db, c.HandleRegister, message(t, &certificationv1.AgrementGranted{Agrement: &certificationv1.Agrement{}}))
	if err == nil || apperr.IsRetryable(err) {
		t.Fatalf("an agrément without id = %v; want a refusal that is not retried", err)
	}
	ok := &certificationv1.HabilitationGranted{Habilitation: &certificationv1.Habilitation{Number: "HAB-1", JurorSubject: "juror-1",
		TitleId: "TP-00495", ValidFrom: "2026-01-01", ValidTo: "2027-12-31", State: certificationv1.RegisterState_REGISTER_STATE_GRANTED, Version: 1}}
	if err := handle(t, db, c.HandleRegister, message(t, ok)); err != nil {
		t.Fatalf("a complete habilitation = %v", err)
	}
	h, err := sqlstore.NewRegisterRepository(db).Habilitation(context.Background(), "HAB-1")
	if err != nil || !h.Granted || h.JurorSubject != "juror-1" {
		t.Fatalf("projected = %+v, %v", h, err)
	}
}
