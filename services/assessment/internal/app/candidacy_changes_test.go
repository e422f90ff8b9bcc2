package app_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/command"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
)

// TestCandidacyChangesAccess: who may withdraw a candidacy (its candidate,
// the organising centre) and record attendance (the centre, a juror free
// of links with the candidate, R21).
func TestCandidacyChangesAccess(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sessionID, cy := f.opened(t)
	alice := auth.Principal{Subject: "alice", Roles: []auth.Role{auth.RoleCandidate}}
	otherCentre := auth.Principal{Subject: "other", Roles: []auth.Role{auth.RoleCentre}, Centre: "D"}
	absent := []candidacy.Attendance{{Epreuve: ""}}

	_, err := f.app.Commands.RecordAttendance.Handle(as(j1), command.RecordAttendance{SessionID: sessionID, CandidacyID: cy[0], Marks: absent})
	require.NoError(t, err, "a juror free of links records attendance")
	_, err = f.app.Commands.RecordAttendance.Handle(as(alice), command.RecordAttendance{SessionID: sessionID, CandidacyID: cy[0], Marks: absent})
	require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err), "a candidate does not record attendance")
	f.person(t, "cand-1", "alice", "GRETA", 2)
	_, err = f.app.Commands.RecordAttendance.Handle(as(j1), command.RecordAttendance{SessionID: sessionID, CandidacyID: cy[0], Marks: absent})
	var ae *apperr.Error
	require.True(t, errors.As(err, &ae), "error %v", err)
	require.Equal(t, "R21", ae.Rule, "a juror recused from the candidate does not")
	_, err = f.app.Commands.RecordAttendance.Handle(as(centre), command.RecordAttendance{SessionID: sessionID, CandidacyID: cy[0], Marks: absent})
	require.NoError(t, err, "the organising centre does")

	_, err = f.app.Commands.WithdrawCandidacy.Handle(as(alice), command.WithdrawCandidacy{SessionID: sessionID, CandidacyID: cy[1]})
	require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err), "a candidate withdraws only their own candidacy")
	_, err = f.app.Commands.WithdrawCandidacy.Handle(as(otherCentre), command.WithdrawCandidacy{SessionID: sessionID, CandidacyID: cy[1]})
	require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err), "another centre does not")
	_, err = f.app.Commands.WithdrawCandidacy.Handle(as(j1), command.WithdrawCandidacy{SessionID: sessionID, CandidacyID: cy[1]})
	require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err), "a juror does not")
	c, err := f.app.Commands.WithdrawCandidacy.Handle(as(alice), command.WithdrawCandidacy{SessionID: sessionID, CandidacyID: cy[0], Reason: "Santé."})
	require.NoError(t, err)
	require.True(t, c.Withdrawal.ByCandidate)
	_, err = f.app.Commands.WithdrawCandidacy.Handle(as(centre), command.WithdrawCandidacy{SessionID: sessionID, CandidacyID: cy[1]})
	require.True(t, errors.As(err, &ae), "error %v", err)
	require.Equal(t, "LAST_CANDIDACY", ae.Reason, "an opened session keeps one candidacy")
}
