package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

func signBoth(t *testing.T, st store, id string) minutes.Minutes {
	t.Helper()
	var m minutes.Minutes
	for _, j := range []string{"j1", "j2"} {
		update(t, st, id, func(s *session.Session) error {
			cur, err := s.Minutes(hasher)
			if err != nil {
				return err
			}
			m, err = s.Sign(j, cur.Hash, hasher, now)
			return err
		})
	}
	return m
}

// TestSessionRepository_MinutesVersions (R51): a signed version is kept as
// signed; the ministry's return is recorded on it, the signatures of the
// current version are cleared, and the session reads back reopened with
// its next version; the second version, signed again, is kept beside the
// first, both readable with their hash and history.
func TestSessionRepository_MinutesVersions(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		s, cyID := deliberated(t, st)
		v1 := signBoth(t, st, s.ID())
		vs, err := st.sessions.MinutesVersions(ctx, s.ID())
		require.NoError(t, err)
		require.Len(t, vs, 1)
		require.Equal(t, minutes.VersionSigned, vs[0].State)
		require.Equal(t, v1.Hash, vs[0].Minutes.Hash)
		require.Equal(t, v1.Content.Lines, vs[0].Minutes.Content.Lines)
		require.Len(t, vs[0].Minutes.Signatures, 2)
		recomputed, err := hasher.Hash(vs[0].Minutes.Encoding, vs[0].Minutes.Content)
		require.NoError(t, err)
		require.Equal(t, v1.Hash, recomputed, "R50: the stored content hashes to the signed hash")

		ret := minutes.Return{Version: 1, ContentHash: v1.Hash, Reason: "motivation du CCP2 insuffisante",
			CandidacyIDs: []string{cyID}, By: "dreets-1", At: now}
		update(t, st, s.ID(), func(s *session.Session) error {
			_, err := s.Reopen(ret, hasher, now)
			return err
		})
		got, err := st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		require.Equal(t, session.StateInProgress, got.State())
		require.Equal(t, 2, got.MinutesVersion())
		require.Empty(t, got.Snapshot().Signatures, "R51: every juror signs the next version again")
		require.Equal(t, ret.Reason, got.Reopened().Reason)
		cy, err := got.Candidacy(cyID)
		require.NoError(t, err)
		require.False(t, cy.Deliberated())

		update(t, st, s.ID(), func(s *session.Session) error {
			_, err := s.Deliberate(cyID, "j1", deliberation.Input{Decisions: []deliberation.Decision{
				{CCPCode: "CCP1", Outcome: deliberation.Obtained}, {CCPCode: "CCP2", Outcome: deliberation.Obtained}}}, tsgeri(), now)
			return err
		})
		v2 := signBoth(t, st, s.ID())
		require.Equal(t, minutes.EncodingV3, v2.Encoding)
		require.NotEqual(t, v1.Hash, v2.Hash)

		vs, err = st.sessions.MinutesVersions(ctx, s.ID())
		require.NoError(t, err)
		require.Len(t, vs, 2)
		require.Equal(t, minutes.VersionReturned, vs[0].State)
		require.Equal(t, v1.Hash, vs[0].Minutes.Hash, "the returned version is kept as signed")
		require.Equal(t, deliberation.NotObtained, vs[0].Minutes.Content.Lines[0].Decisions[1].Outcome)
		require.Equal(t, &ret, vs[0].Return)
		require.Equal(t, minutes.VersionSigned, vs[1].State)
		require.Equal(t, v2.Hash, vs[1].Minutes.Hash)
		require.Equal(t, 2, vs[1].Minutes.Content.Version)
		require.Equal(t, v1.Hash, vs[1].Minutes.Content.PreviousHash)
		recomputed, err = hasher.Hash(vs[1].Minutes.Encoding, vs[1].Minutes.Content)
		require.NoError(t, err)
		require.Equal(t, v2.Hash, recomputed)

		// A redelivered return changes nothing.
		final := update(t, st, s.ID(), func(s *session.Session) error {
			ok, err := s.Reopen(ret, hasher, now)
			require.False(t, ok)
			return err
		})
		require.Equal(t, session.StateClosed, final.State())
	})
}

// TestSessionRepository_ReturnOfMinutesSignedBeforeVersions (R51): minutes
// signed before the versions were kept (no row in minutes_versions) are
// kept as signed when the ministry returns them, with the return.
func TestSessionRepository_ReturnOfMinutesSignedBeforeVersions(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		s, cyID := deliberated(t, st)
		v1 := signBoth(t, st, s.ID())
		_, err := st.db.ExecContext(ctx, `DELETE FROM minutes_versions WHERE session_id = $1`, s.ID())
		require.NoError(t, err)
		ret := minutes.Return{Version: 1, ContentHash: v1.Hash, Reason: "motif", CandidacyIDs: []string{cyID}, By: "dreets-1", At: now}
		update(t, st, s.ID(), func(s *session.Session) error {
			_, err := s.Reopen(ret, hasher, now)
			return err
		})
		vs, err := st.sessions.MinutesVersions(ctx, s.ID())
		require.NoError(t, err)
		require.Len(t, vs, 1)
		require.Equal(t, minutes.VersionReturned, vs[0].State)
		require.Equal(t, v1.Hash, vs[0].Minutes.Hash)
		require.Len(t, vs[0].Minutes.Signatures, 2)
		require.Equal(t, &ret, vs[0].Return)
	})
}
