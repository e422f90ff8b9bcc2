package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

func TestCandidacies_InsertOnce(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, _ *sqlstore.DossierRepository) {
		ctx := context.Background()
		repo := sqlstore.NewCandidacies(db)
		_, err := repo.Get(ctx, "cy-1")
		require.ErrorIs(t, err, refdata.ErrCandidacyNotFound)
		_, err = repo.OfCandidate(ctx, "s1", "c1")
		require.ErrorIs(t, err, refdata.ErrCandidacyNotFound)

		c := refdata.Candidacy{ID: "cy-1", SessionID: "s1", CandidateID: "c1", CCPCodes: []string{"CCP1", "CCP2"}}
		wrote, err := repo.Insert(ctx, c)
		require.NoError(t, err)
		require.True(t, wrote)
		other := c
		other.CandidateID = "c2"
		wrote, err = repo.Insert(ctx, other)
		require.NoError(t, err)
		require.False(t, wrote, "a registered candidacy is immutable: the first copy stays")

		got, err := repo.Get(ctx, "cy-1")
		require.NoError(t, err)
		require.Equal(t, c, got)
		got, err = repo.OfCandidate(ctx, "s1", "c1")
		require.NoError(t, err)
		require.Equal(t, c, got)
		_, err = repo.OfCandidate(ctx, "s2", "c1")
		require.ErrorIs(t, err, refdata.ErrCandidacyNotFound)

		noCCP := refdata.Candidacy{ID: "cy-2", SessionID: "s1", CandidateID: "c3"}
		_, err = repo.Insert(ctx, noCCP)
		require.NoError(t, err)
		got, err = repo.Get(ctx, "cy-2")
		require.NoError(t, err)
		require.Equal(t, noCCP, got)
	})
}

func TestCandidacies_RecusalsApplyIfNewer(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, _ *sqlstore.DossierRepository) {
		ctx := context.Background()
		repo := sqlstore.NewCandidacies(db)
		recused := func(candidate, juror string) bool {
			t.Helper()
			ok, err := repo.Recused(ctx, "s1", candidate, juror)
			require.NoError(t, err)
			return ok
		}
		require.False(t, recused("c1", "j1"), "nobody is recused before any event")

		at := baseTime
		r := refdata.Recusals{CandidacyID: "cy-1", SessionID: "s1", CandidateID: "c1", Jurors: []string{"j1", "j2"}, At: at}
		wrote, err := repo.ApplyRecusals(ctx, r)
		require.NoError(t, err)
		require.True(t, wrote)
		require.True(t, recused("c1", "j1"))
		require.True(t, recused("c1", "j2"))
		require.False(t, recused("c1", "j3"))
		require.False(t, recused("c2", "j1"), "another candidate of the session")
		_, err = repo.ApplyRecusals(ctx, refdata.Recusals{CandidacyID: "cy-2", SessionID: "s1", CandidateID: "c2", Jurors: []string{"j2"}, At: at})
		require.NoError(t, err)
		got, err := repo.RecusedCandidates(ctx, "s1", "j2")
		require.NoError(t, err)
		require.Equal(t, []string{"c1", "c2"}, got)

		// A late, older change never undoes a newer one.
		older := r
		older.Jurors, older.At = nil, at.Add(-time.Second)
		wrote, err = repo.ApplyRecusals(ctx, older)
		require.NoError(t, err)
		require.False(t, wrote)
		require.True(t, recused("c1", "j1"))

		// A newer change frees the jurors.
		newer := r
		newer.Jurors, newer.At = nil, at.Add(time.Second)
		wrote, err = repo.ApplyRecusals(ctx, newer)
		require.NoError(t, err)
		require.True(t, wrote)
		require.False(t, recused("c1", "j1"))
		got, err = repo.RecusedCandidates(ctx, "s1", "j1")
		require.NoError(t, err)
		require.Empty(t, got)
	})
}
