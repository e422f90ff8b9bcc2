package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// TestSessionRepository_SignatureBeforeEncodingColumn: a signature stored
// before migration 0002 has no content_encoding; the column's default names
// the first encoding, which it was made over, so the minutes read back in
// that encoding with the hash the juror signed, and the other juror signs
// that same hash to close the session.
func TestSessionRepository_SignatureBeforeEncodingColumn(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		s, _ := deliberated(t, st)
		m, err := s.Minutes(hasher)
		require.NoError(t, err)
		require.Equal(t, minutes.EncodingV2, m.Encoding)
		v1Hash, err := hasher.Hash(minutes.EncodingV1, m.Content)
		require.NoError(t, err)
		// j1's signature as the first release wrote it: no encoding column.
		_, err = st.db.ExecContext(ctx, `INSERT INTO minutes_signatures
			(session_id, juror_subject, juror_name, content_hash, signed_at, seq) VALUES ($1, $2, $3, $4, $5, $6)`,
			s.ID(), "j1", m.Content.Jurors[0].Name, v1Hash, now, 0)
		require.NoError(t, err)

		got, err := st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		read, err := got.Minutes(hasher)
		require.NoError(t, err)
		require.Equal(t, minutes.EncodingV1, read.Encoding)
		require.Equal(t, v1Hash, read.Hash)

		closed := update(t, st, s.ID(), func(s *session.Session) error {
			_, err := s.Sign("j2", v1Hash, hasher, now)
			return err
		})
		require.Equal(t, session.StateClosed, closed.State())
		final, err := st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		for _, sig := range final.Snapshot().Signatures {
			require.Equal(t, minutes.EncodingV1, sig.Encoding, sig.JurorSubject)
			require.Equal(t, v1Hash, sig.ContentHash)
		}
	})
}
