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
	"github.com/titrepro/titrepro/services/assessment/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/assessment/internal/app/command"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/register"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// requireR6 fails unless err is the R6 refusal of a candidate.
func requireR6(t *testing.T, err error, msg string) {
	t.Helper()
	var ae *apperr.Error
	require.True(t, errors.As(err, &ae), "%s: error %v", msg, err)
	require.Equal(t, "PROLONGATION_NOT_ELIGIBLE", ae.Reason, msg)
	require.Equal(t, "R6", ae.Rule, msg)
	require.Equal(t, apperr.KindFailedPrecondition, ae.Kind, msg)
}

// failed closes the fixture's opened session with cand-1 (alice) FAILED
// on both CCPs, signed by both jurors; cand-2 (bob) is withdrawn first.
func (f fixture) failed(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	sessionID, cy := f.opened(t)
	_, err := f.app.Commands.WithdrawCandidacy.Handle(as(centre), command.WithdrawCandidacy{SessionID: sessionID, CandidacyID: cy[1], Reason: "Santé."})
	require.NoError(t, err)
	_, err = f.app.Commands.AttachDossier.Handle(ctx, f.sessions, command.AttachDossier{SessionID: sessionID, Submission: session.Submission{
		CandidateID: "cand-1", Dossier: candidacy.Dossier{SnapshotID: "snap-1", ManifestHash: "mh-1", SubmittedAt: now}}})
	require.NoError(t, err)
	var ecf []candidacy.ECFResult
	for _, code := range []string{"CCP1", "CCP2"} {
		ecf = append(ecf, candidacy.ECFResult{CCPCode: code, Obtained: true, AssessedOn: civildate.Of(now.AddDate(0, -1, 0))})
	}
	_, err = f.app.Commands.RecordECFResults.Handle(as(centre), command.RecordECFResults{SessionID: sessionID, CandidacyID: cy[0], Results: ecf})
	require.NoError(t, err)
	j2 := auth.Principal{Subject: "j2", Roles: []auth.Role{auth.RoleJuror}}
	for _, j := range []auth.Principal{j1, j2} {
		_, err := f.app.Commands.UpdateEvaluation.Handle(as(j), command.UpdateEvaluation{SessionID: sessionID, CandidacyID: cy[0], JurorSubject: "me", Items: items()})
		require.NoError(t, err)
	}
	c, err := f.app.Commands.DeliberateCandidacy.Handle(as(j1), command.DeliberateCandidacy{SessionID: sessionID, CandidacyID: cy[0],
		Decision: deliberation.Input{Decisions: []deliberation.Decision{
			{CCPCode: "CCP1", Outcome: deliberation.NotObtained, Motivation: "not shown"},
			{CCPCode: "CCP2", Outcome: deliberation.NotObtained, Motivation: "not shown"},
		}}})
	require.NoError(t, err)
	require.Equal(t, deliberation.Failed, c.Deliberation.Outcome)
	s, err := f.sessions.Get(ctx, sessionID)
	require.NoError(t, err)
	m, err := s.Minutes(protoconv.MinutesHasher{})
	require.NoError(t, err)
	var state session.State
	for _, j := range []auth.Principal{j1, j2} {
		_, state, err = f.app.Commands.SignMinutes.Handle(as(j), command.SignMinutes{SessionID: sessionID, ContentHash: m.Hash})
		require.NoError(t, err)
	}
	require.Equal(t, session.StateClosed, state)
}

// TestR6ProlongationCandidates: TP-00495 version 2016 ends on 2026-05-31,
// four weeks after the fixture's clock; a session declared now may run in
// its délai de prolongation (R6, session side), and only candidates who
// failed or partially succeeded earlier on the title, or in training for it
// since before its end, may sit it: at registration, on transfer, and when
// a session's new dates move it into the délai (R6, candidate side).
func TestR6ProlongationCandidates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.failed(t) // alice (cand-1) failed TP-00495 in a closed session; bob (cand-2) withdrew

	clock := func() time.Time { return now }
	end := civildate.Of(time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC))
	_, err := sqlstore.NewTitleRepository(f.db, clock).Save(ctx, title.Title{ID: "TP-00495", Version: "2016",
		Validity: title.Validity{From: civildate.Of(time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)), To: end},
		CCPs:     []title.CCP{{Code: "CCP1", Competences: []string{"CCP1-C1"}}, {Code: "CCP2", Competences: []string{"CCP2-C1"}}}})
	require.NoError(t, err)
	_, err = f.app.Commands.ProjectRegister.Agrement(ctx, sqlstore.NewRegisterRepository(f.db), register.Agrement{ID: "AGR-2016", CentreID: "C",
		TitleID: "TP-00495", TitleVersion: "2016", Site: "Lyon", ValidFrom: civildate.Of(now.AddDate(-1, 0, 0)), ValidTo: end,
		Granted: true, Version: 1})
	require.NoError(t, err)
	// carol: a trainee for the title since September 2025, before its end.
	carol := candidate.Candidate{ID: "cand-3", Subject: "carol", BirthName: "Petit", AccessRoute: candidate.RouteTraining,
		TrainingOrganisation: "AFPA", TrainingTitleID: "TP-00495", TrainingStart: "2025-09-01", Version: 1}
	_, err = f.app.Commands.ProjectCandidate.Handle(ctx, f.candidates, f.sessions, carol)
	require.NoError(t, err)

	plan := func(start, end string) string {
		t.Helper()
		s, err := f.app.Commands.CreateSession.Handle(as(centre), command.CreateSession{Draft: session.Draft{Type: title.SessionTitre,
			TitleID: "TP-00495", TitleVersion: "2016", Site: "Lyon", StartDate: start, EndDate: end}})
		require.NoError(t, err)
		for _, sub := range []string{"j1", "j2"} {
			_, err := f.app.Commands.AddJuror.Handle(as(centre), command.AddJuror{SessionID: s.ID(), Juror: jury.Input{Subject: sub, HabNumber: "H-" + sub}})
			require.NoError(t, err)
		}
		return s.ID()
	}
	register := func(sessionID, candidateID string) (candidacy.Candidacy, error) {
		return f.app.Commands.CreateCandidacy.Handle(as(centre), command.CreateCandidacy{SessionID: sessionID,
			Registration: candidacy.Registration{CandidateID: candidateID}})
	}

	// A session in the délai (September 2026, declared in May).
	delai := plan("2026-09-01", "2026-09-02")
	_, err = register(delai, "cand-1")
	require.NoError(t, err, "R6: a candidate who failed an earlier session of the title is admitted")
	_, err = register(delai, "cand-3")
	require.NoError(t, err, "R6: a trainee for the title since before its end is admitted")
	_, err = register(delai, "cand-2")
	requireR6(t, err, "a candidate with neither an earlier failure nor a training started before the end is refused")

	// A session within the validity: bob is not concerned by R6 there.
	before := plan("2026-05-20", "2026-05-21")
	bobs, err := register(before, "cand-2")
	require.NoError(t, err, "R6: a session within the title's validity is not concerned")
	// ... but it cannot move into the délai with him, by postponement or
	// update; moving it within the validity stays possible.
	_, err = f.app.Commands.PostponeSession.Handle(as(centre), command.PostponeSession{SessionID: before,
		Postponement: session.Postponement{StartDate: "2026-07-01", EndDate: "2026-07-02", Reason: "Salle indisponible."}})
	requireR6(t, err, "a postponement into the délai re-checks the candidates")
	_, err = f.app.Commands.UpdateSession.Handle(as(centre), command.UpdateSession{SessionID: before,
		Patch: session.Draft{StartDate: "2026-05-31", EndDate: "2026-06-01"}, Paths: []string{"start_date", "end_date"}})
	requireR6(t, err, "an update whose last day falls after the end of validity re-checks the candidates")
	_, err = f.app.Commands.UpdateSession.Handle(as(centre), command.UpdateSession{SessionID: before,
		Patch: session.Draft{StartDate: "2026-05-27", EndDate: "2026-05-28"}, Paths: []string{"start_date", "end_date"}})
	require.NoError(t, err, "moving the session within the validity is not concerned")
	// A transfer registers again: bob may not go to the délai session.
	_, _, err = f.app.Commands.TransferCandidacy.Handle(as(centre), command.TransferCandidacy{SessionID: before, CandidacyID: bobs.ID,
		TargetSessionID: delai, Reason: "Report."})
	requireR6(t, err, "a transfer to a session in the délai re-checks the candidate")
	// Without bob, the session may be postponed into the délai.
	_, err = f.app.Commands.WithdrawCandidacy.Handle(as(centre), command.WithdrawCandidacy{SessionID: before, CandidacyID: bobs.ID, Reason: "Report."})
	require.NoError(t, err)
	_, err = register(before, "cand-3")
	require.NoError(t, err)
	_, err = f.app.Commands.PostponeSession.Handle(as(centre), command.PostponeSession{SessionID: before,
		Postponement: session.Postponement{StartDate: "2026-07-01", EndDate: "2026-07-02", Reason: "Salle indisponible."}})
	require.NoError(t, err, "R6: a postponement into the délai keeps the candidates such a session is for")
}
