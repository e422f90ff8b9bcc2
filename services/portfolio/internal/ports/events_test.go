package ports_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/app"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
	"github.com/titrepro/titrepro/services/portfolio/internal/ports"
)

var at = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

func setup(t *testing.T) (*ports.Consumers, *sqldb.DB) {
	t.Helper()
	db := dbtest.Engine{Name: dbtest.SQLite}.Open(t)
	require.NoError(t, sqlstore.Migrate(context.Background(), db))
	require.NoError(t, outbox.Migrate(context.Background(), db))
	a := app.New(app.Deps{
		Dossiers:   sqlstore.NewDossierRepository(db, outbox.New(db)),
		Candidates: sqlstore.NewCandidates(db), Titles: sqlstore.NewTitles(db), Sessions: sqlstore.NewSessions(db),
		Candidacies: sqlstore.NewCandidacies(db), Schedules: sqlstore.NewSchedules(db),
		Now: func() time.Time { return at },
	})
	repos := func(tx *sqldb.Tx) ports.Repos {
		return ports.Repos{
			Candidates: sqlstore.NewCandidatesTx(tx), Titles: sqlstore.NewTitlesTx(tx),
			Sessions: sqlstore.NewSessionsTx(tx), Candidacies: sqlstore.NewCandidaciesTx(tx),
			Schedules: sqlstore.NewSchedulesTx(tx),
		}
	}
	return ports.NewConsumers(a.Commands, repos, slog.New(slog.NewTextHandler(io.Discard, nil))), db
}

func message(t *testing.T, m proto.Message) eventbus.Message {
	t.Helper()
	data, err := proto.Marshal(m)
	require.NoError(t, err)
	return eventbus.Message{ID: "ev", Type: string(m.ProtoReflect().Descriptor().FullName()), Data: data, Time: at}
}

func apply(t *testing.T, db *sqldb.DB, h eventbus.Handler, msg eventbus.Message) error {
	t.Helper()
	return db.InTx(context.Background(), func(tx *sqldb.Tx) error { return h(context.Background(), tx, msg) })
}

func TestHandleCandidate(t *testing.T) {
	t.Parallel()
	c, db := setup(t)
	cand := &candidatev1.Candidate{
		Id: "cand-1", Subject: "alice@idp", BirthName: "Durand", GivenNames: []string{"Camille"},
		AccessRoute:   commonv1.AccessRoute_ACCESS_ROUTE_APPRENTICESHIP,
		PostalAddress: &commonv1.PostalAddress{Lines: []string{"1 rue"}, PostalCode: "69001", Locality: "Lyon", CountryCode: "FR"},
	}
	require.NoError(t, apply(t, db, c.HandleCandidate, message(t, &candidatev1.CandidateRegistered{Candidate: cand, Version: 1})))
	updated := proto.Clone(cand).(*candidatev1.Candidate)
	updated.AccessRoute = commonv1.AccessRoute_ACCESS_ROUTE_VAE
	require.NoError(t, apply(t, db, c.HandleCandidate, message(t, &candidatev1.CandidateUpdated{Candidate: updated, Version: 2})))
	// A late redelivery of version 1 changes nothing.
	require.NoError(t, apply(t, db, c.HandleCandidate, message(t, &candidatev1.CandidateRegistered{Candidate: cand, Version: 1})))

	got, err := sqlstore.NewCandidates(db).BySubject(context.Background(), "alice@idp")
	require.NoError(t, err)
	require.Equal(t, refdata.RouteVAE, got.Route)
	require.Equal(t, int64(2), got.Version)
	require.Equal(t, "Lyon", got.Address.Locality)

	err = apply(t, db, c.HandleCandidate, message(t, &candidatev1.CandidateRegistered{Candidate: &candidatev1.Candidate{}, Version: 1}))
	require.Error(t, err, "an event without id cannot be applied")
	err = apply(t, db, c.HandleCandidate, message(t, &certificationv1.TitleVersionPublished{}))
	require.True(t, errors.Is(err, eventbus.ErrUnexpectedEvent), "%v", err)
	bad := message(t, &candidatev1.CandidateRegistered{})
	bad.Data = []byte{0xff, 0xff}
	require.True(t, errors.Is(apply(t, db, c.HandleCandidate, bad), eventbus.ErrUnexpectedEvent))
}

func TestHandleTitle(t *testing.T) {
	t.Parallel()
	c, db := setup(t)
	ev := &certificationv1.TitleVersionPublished{
		OccurTime: timestamppb.New(at),
		Title: &certificationv1.Title{Id: "TP-00495", Version: "2008", Label: "TSGERI", Ccps: []*certificationv1.Ccp{
			{Code: "CCP1", Order: 1, Label: "A"}, {Code: "CCP2", Order: 2, Label: "B"},
		}},
	}
	require.NoError(t, apply(t, db, c.HandleTitle, message(t, ev)))
	got, err := sqlstore.NewTitles(db).Get(context.Background(), "TP-00495", "")
	require.NoError(t, err)
	require.Equal(t, []string{"CCP1", "CCP2"}, got.CCPCodes())
	require.True(t, got.PublishedAt.Equal(at), "occur_time when the title has no publish_time")
}

func TestHandleSession(t *testing.T) {
	t.Parallel()
	c, db := setup(t)
	ctx := context.Background()
	require.NoError(t, apply(t, db, c.HandleSession, message(t, &assessmentv1.SessionPlanned{
		SessionId: "s1", CentreId: "C1", Type: assessmentv1.SessionType_SESSION_TYPE_CCP,
		TitleId: "TP-00495", TitleVersion: "2008", CcpCodes: []string{"CCP3"},
	})))
	s, err := sqlstore.NewSessions(db).Get(ctx, "s1")
	require.NoError(t, err)
	require.Equal(t, refdata.SessionCCP, s.Type)
	require.Equal(t, "C1", s.CentreID)

	assigned := message(t, &assessmentv1.JurorAssigned{SessionId: "s1", JurorSubject: "j1", OccurTime: timestamppb.New(at)})
	removed := message(t, &assessmentv1.JurorUnassigned{SessionId: "s1", JurorSubject: "j1", OccurTime: timestamppb.New(at.Add(time.Minute))})
	require.NoError(t, apply(t, db, c.HandleSession, removed))
	require.NoError(t, apply(t, db, c.HandleSession, assigned)) // late and older: ignored
	is, err := sqlstore.NewSessions(db).IsJuror(ctx, "s1", "j1")
	require.NoError(t, err)
	require.False(t, is)

	// Without occur_time the CloudEvents time orders the change.
	again := message(t, &assessmentv1.JurorAssigned{SessionId: "s1", JurorSubject: "j1"})
	again.Time = at.Add(time.Hour)
	require.NoError(t, apply(t, db, c.HandleSession, again))
	is, err = sqlstore.NewSessions(db).IsJuror(ctx, "s1", "j1")
	require.NoError(t, err)
	require.True(t, is)
}

func TestHandleCandidacy(t *testing.T) {
	t.Parallel()
	c, db := setup(t)
	ctx := context.Background()
	require.NoError(t, apply(t, db, c.HandleCandidacy, message(t, &assessmentv1.CandidacyRegistered{
		SessionId: "s1", CandidacyId: "cy-1", CandidateId: "cand-1", CcpCodes: []string{"CCP1"},
	})))
	got, err := sqlstore.NewCandidacies(db).OfCandidate(ctx, "s1", "cand-1")
	require.NoError(t, err)
	require.Equal(t, refdata.Candidacy{ID: "cy-1", SessionID: "s1", CandidateID: "cand-1", CCPCodes: []string{"CCP1"}}, got)

	recused := message(t, &assessmentv1.CandidacyRecusalsChanged{SessionId: "s1", CandidacyId: "cy-1", CandidateId: "cand-1",
		JurorSubjects: []string{"j1"}, OccurTime: timestamppb.New(at.Add(time.Minute))})
	freed := message(t, &assessmentv1.CandidacyRecusalsChanged{SessionId: "s1", CandidacyId: "cy-1", CandidateId: "cand-1",
		OccurTime: timestamppb.New(at)})
	require.NoError(t, apply(t, db, c.HandleCandidacy, recused))
	require.NoError(t, apply(t, db, c.HandleCandidacy, freed)) // late and older: ignored
	is, err := sqlstore.NewCandidacies(db).Recused(ctx, "s1", "cand-1", "j1")
	require.NoError(t, err)
	require.True(t, is)

	err = apply(t, db, c.HandleCandidacy, message(t, &assessmentv1.CandidacyRegistered{SessionId: "s1"}))
	require.Equal(t, apperr.KindInvalidArgument, apperr.KindOf(err), "an event without ids cannot be applied")
	err = apply(t, db, c.HandleCandidacy, message(t, &assessmentv1.SessionPlanned{SessionId: "s1"}))
	require.ErrorIs(t, err, eventbus.ErrUnexpectedEvent)
}

// TestConsumersReadTheEventsTheyFollow: each consumer's handler reads every
// event the consumer follows (its filter subjects) and refuses any other.
func TestConsumersReadTheEventsTheyFollow(t *testing.T) {
	t.Parallel()
	c, db := setup(t)
	for _, cons := range c.All() {
		for _, ev := range cons.Events {
			err := apply(t, db, cons.Handle, message(t, ev))
			require.False(t, errors.Is(err, eventbus.ErrUnexpectedEvent), "%s cannot read %s, which it follows: %v", cons.Durable, eventbus.TypeOf(ev), err)
		}
		err := apply(t, db, cons.Handle, eventbus.Message{ID: "ev-2", Type: "titrepro.test.v1.ThingHappened"})
		require.ErrorIs(t, err, eventbus.ErrUnexpectedEvent, cons.Durable)
	}
}

// TestHandleSchedule: the session schedules follow SessionPlanned,
// SessionPostponed and SessionCancelled by the session's version (R40),
// whatever the order of delivery.
func TestHandleSchedule(t *testing.T) {
	t.Parallel()
	c, db := setup(t)
	ctx := context.Background()
	postponed := message(t, &assessmentv1.SessionPostponed{SessionId: "s1", StartDate: "2026-06-15", EndDate: "2026-06-16",
		DossierDeadline: "2026-06-10", Version: 4})
	require.NoError(t, apply(t, db, c.HandleSchedule, postponed))
	require.NoError(t, apply(t, db, c.HandleSchedule, message(t, &assessmentv1.SessionPlanned{SessionId: "s1",
		StartDate: "2026-06-01", EndDate: "2026-06-02", DossierDeadline: "2026-05-25"}))) // late and older: ignored
	got, err := sqlstore.NewSchedules(db).Get(ctx, "s1")
	require.NoError(t, err)
	require.Equal(t, refdata.Schedule{SessionID: "s1", StartDate: "2026-06-15", EndDate: "2026-06-16", DossierDeadline: "2026-06-10", Version: 4}, got)

	require.NoError(t, apply(t, db, c.HandleSchedule, message(t, &assessmentv1.SessionCancelled{SessionId: "s1",
		StartDate: "2026-06-15", EndDate: "2026-06-16", Reason: "x", Version: 5})))
	got, err = sqlstore.NewSchedules(db).Get(ctx, "s1")
	require.NoError(t, err)
	require.True(t, got.Cancelled)
	require.Equal(t, "2026-06-10", got.DossierDeadline)

	err = apply(t, db, c.HandleSchedule, message(t, &assessmentv1.SessionUpdated{SessionId: "s2"}))
	require.Error(t, err, "a change without a version cannot be applied")
	err = apply(t, db, c.HandleSchedule, message(t, &assessmentv1.JurorAssigned{}))
	require.True(t, errors.Is(err, eventbus.ErrUnexpectedEvent), "%v", err)
}
