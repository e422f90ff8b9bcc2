package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// TestSessionRepository_UpdatePostponeCancel: a planned session's new site
// and dates, a postponement and a cancellation are stored with their
// events; the cancelled session's candidacies come back released.
func TestSessionRepository_UpdatePostponeCancel(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		s := create(t, st, "C", now)
		cys := register(t, st, s.ID(), [2]string{"cand-a", "person-a"}, [2]string{"cand-b", "person-b"})

		update(t, st, s.ID(), func(s *session.Session) error {
			d, err := s.Amend(session.Draft{Site: "Lyon Gerland", DossierDeadline: "2026-05-28"}, []string{"site", "dossier_deadline"})
			if err != nil {
				return err
			}
			return s.Update(s.Etag(), d, now.Add(time.Minute))
		})
		got, err := st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		require.Equal(t, "Lyon Gerland", got.Summary().Site)
		require.Equal(t, "2026-05-28", got.Summary().Deadline.String())
		rows := outboxRows(t, st.db, "titrepro.assessment.v1.session_updated")
		require.Len(t, rows, 1)
		var upd assessmentv1.SessionUpdated
		require.NoError(t, proto.Unmarshal(rows[0].Payload, &upd))
		require.Equal(t, []string{"dossier_deadline", "site"}, upd.GetChangedFields())
		require.Len(t, upd.GetCandidacies(), 2)

		update(t, st, s.ID(), func(s *session.Session) error {
			return s.Postpone("", session.Postponement{StartDate: "2026-06-15", EndDate: "2026-06-17", Reason: "salle indisponible"}, now.Add(2*time.Minute))
		})
		got, err = st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		sum := got.Summary()
		require.Equal(t, []string{"2026-06-15", "2026-06-17", "2026-06-15"}, []string{sum.Start.String(), sum.End.String(), sum.Deadline.String()})
		rows = outboxRows(t, st.db, "titrepro.assessment.v1.session_postponed")
		require.Len(t, rows, 1)
		var pp assessmentv1.SessionPostponed
		require.NoError(t, proto.Unmarshal(rows[0].Payload, &pp))
		require.Equal(t, "2026-06-01", pp.GetPreviousStartDate())
		require.Equal(t, "2026-06-15", pp.GetStartDate())
		require.Equal(t, "salle indisponible", pp.GetReason())

		update(t, st, s.ID(), func(s *session.Session) error { return s.Cancel("", "centre fermé", now.Add(3*time.Minute)) })
		got, err = st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		require.Equal(t, session.StateCancelled, got.State())
		for _, c := range got.Candidacies() {
			require.True(t, c.Released(), "candidacy %s released", c.ID)
			require.True(t, c.ReleasedAt.Equal(now.Add(3*time.Minute)), "released at %v", c.ReleasedAt)
		}
		rows = outboxRows(t, st.db, "titrepro.assessment.v1.session_cancelled")
		require.Len(t, rows, 1)
		var cc assessmentv1.SessionCancelled
		require.NoError(t, proto.Unmarshal(rows[0].Payload, &cc))
		require.Equal(t, "centre fermé", cc.GetReason())
		require.Len(t, cc.GetReleasedCandidacies(), 2)
		require.ElementsMatch(t, cys, []string{cc.GetReleasedCandidacies()[0].GetCandidacyId(), cc.GetReleasedCandidacies()[1].GetCandidacyId()})

		ids, err := st.sessions.WithCandidate(ctx, "cand-a")
		require.NoError(t, err)
		require.Empty(t, ids, "a cancelled session no longer holds its candidates")
	})
}

// TestSessionRepository_JurorAbsentAfterOpening: a juror withdrawn after
// opening leaves the jury but their evaluation row stays; the event says
// why.
func TestSessionRepository_JurorAbsentAfterOpening(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		s, ids := opened(t, st, 1)
		score(t, st, s.ID(), ids[0], "j2", "")
		update(t, st, s.ID(), func(s *session.Session) error { return s.RemoveJuror("j2", "malade", now) })
		got, err := st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		require.False(t, got.HasJuror("j2"))
		rows := outboxRows(t, st.db, "titrepro.assessment.v1.juror_unassigned")
		require.Len(t, rows, 1)
		var ev assessmentv1.JurorUnassigned
		require.NoError(t, proto.Unmarshal(rows[0].Payload, &ev))
		require.True(t, ev.GetAfterOpening())
		require.Equal(t, "malade", ev.GetReason())
		var n int
		require.NoError(t, st.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM evaluations WHERE session_id = $1 AND juror_subject = 'j2'`, s.ID()).Scan(&n))
		require.Equal(t, 1, n, "the absent juror's evaluation is kept, not counted")
	})
}

// TestSessionRepository_ListFilters: sessions by title and by the days
// they run (overlapping [From, To]).
func TestSessionRepository_ListFilters(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		june := create(t, st, "C1", now) // 2026-06-01 to 2026-06-03
		july := create(t, st, "C1", now.Add(time.Minute))
		update(t, st, july.ID(), func(s *session.Session) error {
			return s.Postpone("", session.Postponement{StartDate: "2026-07-01", EndDate: "2026-07-02", Reason: "x"}, now)
		})
		day := func(s string) civildate.Date {
			d, err := civildate.Parse(s)
			require.NoError(t, err)
			return d
		}
		tests := []struct {
			name string
			q    session.ListQuery
			want []string
		}{
			{"by title", session.ListQuery{TitleID: "TP-00495"}, []string{june.ID(), july.ID()}},
			{"another title", session.ListQuery{TitleID: "TP-00001"}, nil},
			{"running on the last day of June's session", session.ListQuery{From: day("2026-06-03"), To: day("2026-06-03")}, []string{june.ID()}},
			{"from a day after June's session", session.ListQuery{From: day("2026-06-04")}, []string{july.ID()}},
			{"up to the first day of July's session", session.ListQuery{To: day("2026-07-01")}, []string{june.ID(), july.ID()}},
			{"a range between the two", session.ListQuery{From: day("2026-06-10"), To: day("2026-06-20")}, nil},
			{"centre and range", session.ListQuery{CentreID: "C2", From: day("2026-06-01")}, nil},
		}
		for _, tt := range tests {
			tt.q.Limit = 10
			got, err := st.sessions.List(ctx, tt.q)
			require.NoError(t, err, tt.name)
			require.Equal(t, tt.want, ids(got), tt.name)
		}
	})
}
