package app_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/app/command"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// TestR58_RegistrationRefusedDuringABanAcceptedAfter: the bans the
// SanctionPronounced events project refuse a registration on a day they
// cover (CANDIDATE_BANNED with the end date), and no longer once they
// ended; a redelivered ban changes nothing.
func TestR58_RegistrationRefusedDuringABanAcceptedAfter(t *testing.T) {
	t.Parallel()
	today := civildate.Of(now)
	cases := []struct {
		name        string
		from, until civildate.Date
		refused     bool
	}{
		{"notified today for a year", today, today.AddMonths(12), true},
		{"notified a year ago: the ban ended today", today.AddMonths(-12), today, false},
		{"ended yesterday", today.AddMonths(-13), today.AddMonths(-1), false},
		{"notified a month ago, ends in eleven months", today.AddMonths(-1), today.AddMonths(11), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			ctx := context.Background()
			f.person(t, "cand-1", "alice", "AFPA", 1)
			ban := candidate.Ban{SanctionID: "sa-1", CandidateID: "cand-1", From: tc.from, Until: tc.until}
			for range 2 { // redelivered
				_, err := f.app.Commands.ProjectCandidate.Ban(ctx, f.candidates, ban)
				require.NoError(t, err)
			}
			s, err := f.app.Commands.CreateSession.Handle(as(centre), command.CreateSession{Draft: session.Draft{Type: title.SessionTitre,
				TitleID: "TP-00495", TitleVersion: "2008", Site: "Lyon", StartDate: "2026-06-01", EndDate: "2026-06-02"}})
			require.NoError(t, err)
			_, err = f.app.Commands.CreateCandidacy.Handle(as(centre), command.CreateCandidacy{SessionID: s.ID(),
				Registration: candidacy.Registration{CandidateID: "cand-1"}})
			if !tc.refused {
				require.NoError(t, err)
				return
			}
			require.True(t, errors.Is(err, candidate.ErrBanned), "CreateCandidacy() = %v; want CANDIDATE_BANNED", err)
			require.Contains(t, err.Error(), tc.until.String())
		})
	}
}
