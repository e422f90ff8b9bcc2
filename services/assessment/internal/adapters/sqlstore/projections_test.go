package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/civildate"

	"github.com/titrepro/titrepro/services/assessment/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

func TestTitleRepository(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		repo := sqlstore.NewTitleRepository(st.db, func() time.Time { return now })
		_, err := repo.Get(ctx, "TP-00495", "2008")
		require.ErrorIs(t, err, title.ErrUnknown)

		saved, err := repo.Save(ctx, tsgeri())
		require.NoError(t, err)
		require.True(t, saved)
		got, err := repo.Get(ctx, "TP-00495", "2008")
		require.NoError(t, err)
		require.Equal(t, tsgeri(), got)

		// A published version is immutable: a second save changes nothing.
		changed := tsgeri()
		changed.CCPs = changed.CCPs[:1]
		saved, err = repo.Save(ctx, changed)
		require.NoError(t, err)
		require.False(t, saved)
		got, err = repo.Get(ctx, "TP-00495", "2008")
		require.NoError(t, err)
		require.Len(t, got.CCPs, 2)

		// Each read is a copy: what a caller does with it never reaches the next.
		got.CCPs[0].Competences[0] = "changed"
		got.Epreuves = nil
		again, err := repo.Get(ctx, "TP-00495", "2008")
		require.NoError(t, err)
		require.Equal(t, tsgeri(), again)
		fresh, err := sqlstore.NewTitleRepository(st.db, time.Now).Get(ctx, "TP-00495", "2008")
		require.NoError(t, err)
		require.Equal(t, again, fresh, "a decoded version reads as the stored one")
	})
}

func TestCandidateRepository(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		repo := sqlstore.NewCandidateRepository(st.db)
		_, err := repo.Get(ctx, "cand-1")
		require.ErrorIs(t, err, candidate.ErrUnknown)

		v2 := person("cand-1", "alice")
		v2.Version, v2.TrainingOrganisation, v2.CentreID = 2, "GRETA", "CENTRE-69"
		applied, err := repo.Apply(ctx, v2)
		require.NoError(t, err)
		require.True(t, applied)

		// Older or equal versions, redelivered or late, never overwrite.
		for _, v := range []int64{1, 2} {
			old := person("cand-1", "alice")
			old.Version = v
			applied, err = repo.Apply(ctx, old)
			require.NoError(t, err)
			require.False(t, applied, "version %d applied over version 2", v)
		}
		got, err := repo.Get(ctx, "cand-1")
		require.NoError(t, err)
		require.Equal(t, v2, got)

		v3 := person("cand-1", "alice")
		v3.Version, v3.AccessRoute, v3.TrainingOrganisation, v3.VAEDecisionDate = 3, candidate.RouteVAE, "", "2026-01-10"
		applied, err = repo.Apply(ctx, v3)
		require.NoError(t, err)
		require.True(t, applied)
		got, err = repo.Get(ctx, "cand-1")
		require.NoError(t, err)
		require.Equal(t, v3, got)
	})
}

// TestCandidateRepositoryCentreOfOlderRows: a record projected before the
// registering centre was kept reads as CentreUnknown (no centre may
// register it) until its next event.
func TestCandidateRepositoryCentreOfOlderRows(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		_, err := st.db.ExecContext(ctx, `INSERT INTO candidates (id, given_names, source_version) VALUES ('old-1', '[]', 1)`)
		require.NoError(t, err)
		repo := sqlstore.NewCandidateRepository(st.db)
		got, err := repo.Get(ctx, "old-1")
		require.NoError(t, err)
		require.Equal(t, candidate.CentreUnknown, got.CentreID)

		next := person("old-1", "alice")
		next.Version = 2
		applied, err := repo.Apply(ctx, next)
		require.NoError(t, err)
		require.True(t, applied)
		got, err = repo.Get(ctx, "old-1")
		require.NoError(t, err)
		require.Equal(t, "", got.CentreID, "a self-registered record once its next event arrives")
	})
}

// TestCandidateRepositoryBans (R58): a ban from SanctionPronounced is kept
// once, even before the candidate's record, and reads back with the
// candidate.
func TestCandidateRepositoryBans(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		repo := sqlstore.NewCandidateRepository(st.db)
		from, err := civildate.Parse("2027-01-15")
		require.NoError(t, err)
		ban := candidate.Ban{SanctionID: "sa-1", CandidateID: "cand-9", From: from, Until: from.AddMonths(12)}
		stored, err := repo.SaveBan(ctx, ban)
		require.NoError(t, err)
		require.True(t, stored)
		stored, err = repo.SaveBan(ctx, ban)
		require.NoError(t, err)
		require.False(t, stored, "a redelivered ban is stored once")
		_, err = repo.Apply(ctx, candidate.Candidate{ID: "cand-9", BirthName: "Durand", AccessRoute: candidate.RouteVAE, Version: 1})
		require.NoError(t, err)
		got, err := repo.Get(ctx, "cand-9")
		require.NoError(t, err)
		require.Equal(t, []candidate.Ban{ban}, got.Bans)
	})
}
