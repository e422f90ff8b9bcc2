package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// TestSessionRepository_CandidacyRecord: what happens to a candidacy
// besides its registration (adjustments, ECF results, attendance,
// withdrawal) is stored and read back as it was, and a withdrawal writes
// CandidacyWithdrawn with the change.
func TestSessionRepository_CandidacyRecord(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		s := create(t, st, "C", now)
		ids := register(t, st, s.ID(), [2]string{"cand-a", "person-a"}, [2]string{"cand-b", "person-b"})
		update(t, st, s.ID(), func(s *session.Session) error {
			for _, j := range []string{"j1", "j2"} {
				if _, err := s.AddJuror(juror(t, j), now); err != nil {
					return err
				}
			}
			if _, err := s.RecordAdjustment(ids[0], candidacy.Adjustment{Epreuve: title.MiseEnSituation, ExtraMinutes: 60,
				Arrangements: "Salle au rez-de-chaussée.", AuthorisationRef: "MDPH-69-42", AuthorisedOn: civildate.Of(now.AddDate(0, 0, -3))},
				"centre", tsgeri(), now); err != nil {
				return err
			}
			if _, err := s.RecordECF(ids[0], ecf(), "centre", now); err != nil {
				return err
			}
			return s.Open("", now)
		})
		s = update(t, st, s.ID(), func(s *session.Session) error {
			if _, err := s.RecordAttendance(ids[0], []candidacy.Attendance{{Epreuve: title.MiseEnSituation, Present: true}}, "j1", tsgeri(), now); err != nil {
				return err
			}
			_, err := s.Withdraw(ids[1], "person-b", true, "Raisons personnelles.", now)
			return err
		})
		got, err := st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		require.Equal(t, s.Snapshot(), got.Snapshot(), "the record reads back as written")
		a, err := got.Candidacy(ids[0])
		require.NoError(t, err)
		require.Len(t, a.Adjustments, 1)
		require.Equal(t, 240, a.Adjustments[0].EpreuveMinutes, "checked against the title's duration (R46)")
		require.Len(t, a.ECF, 2)
		require.Len(t, a.Attendance, 1)
		require.Equal(t, "TRAINING", string(a.AccessRoute))
		b, err := got.Candidacy(ids[1])
		require.NoError(t, err)
		require.True(t, b.Withdrawn())
		require.True(t, b.Withdrawal.ByCandidate)

		rows := outboxRows(t, st.db, "titrepro.assessment.v1.candidacy_withdrawn")
		require.Len(t, rows, 1)
		require.Equal(t, "sessions/"+s.ID()+"/candidacies/"+ids[1], rows[0].Resource)
	})
}

// TestSessionRepository_UpdatePair: a transfer changes both sessions and
// writes both events in one transaction, or nothing when it fails.
func TestSessionRepository_UpdatePair(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		from := create(t, st, "C", now)
		ids := register(t, st, from.ID(), [2]string{"cand-a", "person-a"})
		to := create(t, st, "C", now)

		boom := errors.New("boom")
		_, _, err := st.sessions.UpdatePair(ctx, from.ID(), to.ID(), func(a, b *session.Session) error {
			if _, _, err := session.Transfer(a, b, ids[0], newID(t), "centre", "", person("cand-a", "person-a"), tsgeri(), session.RequestKey{}, now); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		unchanged, err := st.sessions.Get(ctx, from.ID())
		require.NoError(t, err)
		require.Equal(t, from.Version()+1, unchanged.Version(), "only the registration")
		require.Empty(t, outboxRows(t, st.db, "titrepro.assessment.v1.candidacy_transferred"))

		newCandidacy := newID(t)
		a, b, err := st.sessions.UpdatePair(ctx, from.ID(), to.ID(), func(a, b *session.Session) error {
			_, _, err := session.Transfer(a, b, ids[0], newCandidacy, "centre", "Report.", person("cand-a", "person-a"), tsgeri(), session.RequestKey{}, now)
			return err
		})
		require.NoError(t, err)
		require.Equal(t, from.ID(), a.ID())
		gotFrom, err := st.sessions.Get(ctx, from.ID())
		require.NoError(t, err)
		left, err := gotFrom.Candidacy(ids[0])
		require.NoError(t, err)
		require.Equal(t, &candidacy.Ref{SessionID: to.ID(), CandidacyID: newCandidacy}, left.Withdrawal.TransferredTo)
		gotTo, err := st.sessions.Get(ctx, to.ID())
		require.NoError(t, err)
		require.Equal(t, b.Snapshot(), gotTo.Snapshot())
		joined, err := gotTo.Candidacy(newCandidacy)
		require.NoError(t, err)
		require.Equal(t, &candidacy.Ref{SessionID: from.ID(), CandidacyID: ids[0]}, joined.TransferredFrom)

		rows := outboxRows(t, st.db, "titrepro.assessment.v1.candidacy_transferred")
		require.Len(t, rows, 1)
		var ev assessmentv1.CandidacyTransferred
		require.NoError(t, proto.Unmarshal(rows[0].Payload, &ev))
		require.Equal(t, newCandidacy, ev.GetToCandidacyId())
		require.Equal(t, to.ID(), ev.GetToSessionId())
		require.Len(t, outboxRows(t, st.db, "titrepro.assessment.v1.candidacy_registered"), 2)
	})
}

// TestSessionRepository_Attempts: every candidacy of a candidate, with its
// session's type, title, dates and state, its outcome and the CCPs
// obtained (R28, R31, R32).
func TestSessionRepository_Attempts(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		done, cyID := deliberated(t, st)
		planned := create(t, st, "C", now)
		ids := register(t, st, planned.ID(), [2]string{"cand-1", "alice"})
		update(t, st, planned.ID(), func(s *session.Session) error {
			_, err := s.Withdraw(ids[0], "centre", false, "", now)
			return err
		})
		attempts, err := st.sessions.Attempts(ctx, "cand-1")
		require.NoError(t, err)
		require.Len(t, attempts, 2)
		byID := map[string]int{}
		for i, a := range attempts {
			byID[a.SessionID] = i
			require.Equal(t, title.SessionTitre, a.Type)
			require.Equal(t, "TP-00495", a.TitleID)
			require.Equal(t, "2026-06-01", a.Start.String())
			require.Equal(t, "2026-06-03", a.End.String())
		}
		d := attempts[byID[done.ID()]]
		require.Equal(t, deliberation.Partial, d.Outcome, cyID)
		require.Equal(t, []string{"CCP1"}, d.Obtained)
		require.False(t, d.Closed, "DELIBERATED, not yet signed")
		require.False(t, d.Withdrawn)
		w := attempts[byID[planned.ID()]]
		require.True(t, w.Withdrawn)
		require.Empty(t, w.Outcome)
		none, err := st.sessions.Attempts(ctx, "nobody")
		require.NoError(t, err)
		require.Empty(t, none)
	})
}
