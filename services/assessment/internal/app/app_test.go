package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/assessment/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/assessment/internal/app"
	"github.com/titrepro/titrepro/services/assessment/internal/app/command"
	"github.com/titrepro/titrepro/services/assessment/internal/app/query"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/register"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

var now = time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)

var (
	centre   = auth.Principal{Subject: "centre-user", Roles: []auth.Role{auth.RoleCentre}, Centre: "C"}
	j1       = auth.Principal{Subject: "j1", Roles: []auth.Role{auth.RoleJuror}}
	ministry = auth.Principal{Subject: "officer", Roles: []auth.Role{auth.RoleMinistry}}
)

type fixture struct {
	db         *sqldb.DB
	app        app.Application
	candidates *sqlstore.CandidateRepository
	sessions   *sqlstore.SessionRepository
}

func as(p auth.Principal) context.Context { return auth.WithPrincipal(context.Background(), p) }

func newFixture(t *testing.T) fixture {
	t.Helper()
	db := dbtest.Engine{Name: dbtest.SQLite}.Open(t)
	ctx := context.Background()
	require.NoError(t, sqlstore.Migrate(ctx, db))
	require.NoError(t, outbox.Migrate(ctx, db))
	clock := func() time.Time { return now }
	titles := sqlstore.NewTitleRepository(db, clock)
	_, err := titles.Save(ctx, title.Title{ID: "TP-00495", Version: "2008", CCPs: []title.CCP{
		{Code: "CCP1", Competences: []string{"CCP1-C1"}}, {Code: "CCP2", Competences: []string{"CCP2-C1"}}}})
	require.NoError(t, err)
	f := fixture{db: db, candidates: sqlstore.NewCandidateRepository(db), sessions: sqlstore.NewSessionRepository(db, outbox.New(db))}
	registers := sqlstore.NewRegisterRepository(db)
	f.app = app.New(app.Deps{Sessions: f.sessions, Pairs: f.sessions, History: f.sessions, Titles: titles, Candidates: f.candidates, Registers: registers,
		Hasher: protoconv.MinutesHasher{}, Now: clock})
	// The registers as the certification service's events fill them: the
	// centre's agrément at Lyon (R8), habilitations H-j1 and H-j2 (R16),
	// the charte accepted (R23).
	from, to := civildate.Of(now.AddDate(-1, 0, 0)), civildate.Of(now.AddDate(2, 0, 0))
	project := f.app.Commands.ProjectRegister
	_, err = project.Agrement(ctx, registers, register.Agrement{ID: "AGR", CentreID: "C", TitleID: "TP-00495", TitleVersion: "2008",
		Site: "Lyon", ValidFrom: from, ValidTo: to, Granted: true, Version: 1})
	require.NoError(t, err)
	for _, sub := range []string{"j1", "j2"} {
		_, err := project.Habilitation(ctx, registers, register.Habilitation{Number: "H-" + sub, JurorSubject: sub, JurorName: sub,
			TitleID: "TP-00495", ValidFrom: from, ValidTo: to, Granted: true, Version: 1})
		require.NoError(t, err)
		_, err = project.Charter(ctx, registers, register.Charter{JurorSubject: sub, Version: "1", AcceptedAt: now})
		require.NoError(t, err)
	}
	return f
}

func (f fixture) person(t *testing.T, id, subject, org string, version int64) candidate.Candidate {
	t.Helper()
	p := candidate.Candidate{ID: id, Subject: subject, BirthName: "Durand", AccessRoute: candidate.RouteTraining, TrainingOrganisation: org,
		TrainingTitleID: "TP-00495", Version: version}
	_, err := f.app.Commands.ProjectCandidate.Handle(context.Background(), f.candidates, f.sessions, p)
	require.NoError(t, err)
	return p
}

// opened creates an IN_PROGRESS session of centre C with jurors j1 (who
// declared a link with "GRETA") and j2, and candidacies of cand-1 and
// cand-2, both trained at AFPA.
func (f fixture) opened(t *testing.T) (string, []string) {
	t.Helper()
	f.person(t, "cand-1", "alice", "AFPA", 1)
	f.person(t, "cand-2", "bob", "AFPA", 1)
	s, err := f.app.Commands.CreateSession.Handle(as(centre), command.CreateSession{Draft: session.Draft{Type: title.SessionTitre,
		TitleID: "TP-00495", TitleVersion: "2008", Site: "Lyon", StartDate: "2026-06-01", EndDate: "2026-06-02"}})
	require.NoError(t, err)
	for _, sub := range []string{"j1", "j2"} {
		in := jury.Input{Subject: sub, HabNumber: "H-" + sub}
		if sub == "j1" {
			in.Links = []jury.Link{{Kind: jury.LinkTrainingOrganisation, Value: "GRETA"}}
		}
		_, err := f.app.Commands.AddJuror.Handle(as(centre), command.AddJuror{SessionID: s.ID(), Juror: in})
		require.NoError(t, err)
	}
	var ids []string
	for _, cand := range []string{"cand-1", "cand-2"} {
		c, err := f.app.Commands.CreateCandidacy.Handle(as(centre), command.CreateCandidacy{SessionID: s.ID(),
			Registration: candidacy.Registration{CandidateID: cand}})
		require.NoError(t, err)
		ids = append(ids, c.ID)
	}
	_, err = f.app.Commands.OpenSession.Handle(as(centre), command.OpenSession{SessionID: s.ID()})
	require.NoError(t, err)
	return s.ID(), ids
}

func items() []evaluation.Item {
	return []evaluation.Item{
		{CompetenceCode: "CCP1-C1", Verdict: evaluation.Mastered},
		{CompetenceCode: "CCP2-C1", Verdict: evaluation.Mastered},
	}
}

// TestCandidateChangeRecusesJuror: a CandidateUpdated moving the candidate
// to an organisation a juror declared takes effect at once (R21, ASVS
// 8.3.2): the juror may no longer evaluate that candidate.
func TestCandidateChangeRecusesJuror(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sessionID, cy := f.opened(t)
	_, err := f.app.Commands.UpdateEvaluation.Handle(as(j1), command.UpdateEvaluation{SessionID: sessionID, CandidacyID: cy[0], JurorSubject: "me", Items: items()})
	require.NoError(t, err, "before the change j1 evaluates")

	f.person(t, "cand-1", "alice", "GRETA", 2)
	_, err = f.app.Commands.UpdateEvaluation.Handle(as(j1), command.UpdateEvaluation{SessionID: sessionID, CandidacyID: cy[0], JurorSubject: "me", Etag: "1", Items: items()})
	var ae *apperr.Error
	require.True(t, errors.As(err, &ae), "error %v", err)
	require.Equal(t, apperr.KindPermissionDenied, ae.Kind)
	require.Equal(t, "R21", ae.Rule)
	_, err = f.app.Commands.UpdateEvaluation.Handle(as(j1), command.UpdateEvaluation{SessionID: sessionID, CandidacyID: cy[1], JurorSubject: "me", Items: items()})
	require.NoError(t, err, "the other candidate is not concerned")

	// A late, older event changes nothing.
	f.person(t, "cand-1", "alice", "AFPA", 1)
	c, err := f.app.Queries.CandidacyByID.Handle(as(centre), sessionID, cy[0])
	require.NoError(t, err)
	require.Equal(t, "GRETA", c.TrainingOrganisation)
}

func TestEvaluationReads(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sessionID, cy := f.opened(t)
	_, err := f.app.Commands.UpdateEvaluation.Handle(as(j1), command.UpdateEvaluation{SessionID: sessionID, CandidacyID: cy[1],
		JurorSubject: "j1", Items: items()[:1]})
	require.NoError(t, err)

	own, err := f.app.Queries.EvaluationOf.Handle(as(j1), sessionID, cy[1], "me")
	require.NoError(t, err)
	require.Equal(t, []string{"CCP2-C1"}, own.Missing)
	byMinistry, err := f.app.Queries.EvaluationOf.Handle(as(ministry), sessionID, cy[1], "j1")
	require.NoError(t, err)
	require.Equal(t, own.Evaluation.Version, byMinistry.Evaluation.Version)

	_, err = f.app.Queries.EvaluationOf.Handle(as(ministry), sessionID, cy[1], "nobody")
	require.ErrorIs(t, err, session.ErrJurorNotFound)
	_, err = f.app.Queries.EvaluationOf.Handle(as(centre), sessionID, cy[1], "j1")
	require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err), "the centre does not read scores")
}

func TestListCandidaciesPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sessionID, cy := f.opened(t)
	first, err := f.app.Queries.ListCandidacies.Handle(as(centre), query.ListCandidacies{SessionID: sessionID, PageSize: 1})
	require.NoError(t, err)
	require.Len(t, first.Candidacies, 1)
	require.NotEmpty(t, first.NextPageToken)
	second, err := f.app.Queries.ListCandidacies.Handle(as(centre), query.ListCandidacies{SessionID: sessionID, PageSize: 1, PageToken: first.NextPageToken})
	require.NoError(t, err)
	require.Len(t, second.Candidacies, 1)
	require.Empty(t, second.NextPageToken)
	require.ElementsMatch(t, cy, []string{first.Candidacies[0].ID, second.Candidacies[0].ID})

	// A token is bound to what its caller sees.
	alice := auth.Principal{Subject: "alice", Roles: []auth.Role{auth.RoleCandidate}}
	_, err = f.app.Queries.ListCandidacies.Handle(as(alice), query.ListCandidacies{SessionID: sessionID, PageToken: first.NextPageToken})
	require.Equal(t, apperr.KindInvalidArgument, apperr.KindOf(err))
	own, err := f.app.Queries.ListCandidacies.Handle(as(alice), query.ListCandidacies{SessionID: sessionID})
	require.NoError(t, err)
	require.Len(t, own.Candidacies, 1)
	require.Equal(t, cy[0], own.Candidacies[0].ID)
}
