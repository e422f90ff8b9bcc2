package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

func ids(sums []session.Summary) []string {
	var out []string
	for _, s := range sums {
		out = append(out, s.ID)
	}
	return out
}

func TestSessionRepository_List(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		// Two sessions at the same instant test the id tie-break.
		a := create(t, st, "C1", now)
		b := create(t, st, "C2", now)
		c := create(t, st, "C1", now.Add(time.Minute))
		update(t, st, b.ID(), func(s *session.Session) error {
			if _, err := s.AddJuror(juror(t, "j1"), now); err != nil {
				return err
			}
			_, err := s.Register(newID(t), candidacy.Registration{CandidateID: "cand-1"}, person("cand-1", "alice"), tsgeri(), session.RequestKey{}, now)
			return err
		})
		first, second := a.ID(), b.ID()
		if second < first {
			first, second = second, first
		}

		all, err := st.sessions.List(ctx, session.ListQuery{Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []string{first, second, c.ID()}, ids(all), "oldest first, then by id")

		byCentre, err := st.sessions.List(ctx, session.ListQuery{CentreID: "C1", Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []string{a.ID(), c.ID()}, ids(byCentre))

		byJuror, err := st.sessions.List(ctx, session.ListQuery{JurorSubject: "j1", Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []string{b.ID()}, ids(byJuror))
		require.Equal(t, 1, byJuror[0].JurorCount)
		require.Equal(t, 1, byJuror[0].CandidacyCount)

		byCandidate, err := st.sessions.List(ctx, session.ListQuery{CandidateSubject: "alice", Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []string{b.ID()}, ids(byCandidate))

		page, err := st.sessions.List(ctx, session.ListQuery{Limit: 1, After: &session.Cursor{CreatedAt: all[0].CreatedAt, ID: all[0].ID}})
		require.NoError(t, err)
		require.Equal(t, []string{second}, ids(page), "keyset paging resumes after the cursor")
	})
}
