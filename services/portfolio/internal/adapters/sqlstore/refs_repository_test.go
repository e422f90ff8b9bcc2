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

func TestCandidates_ApplyIfNewer(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, _ *sqlstore.DossierRepository) {
		ctx := context.Background()
		cands := sqlstore.NewCandidates(db)
		v2 := refdata.Candidate{ID: "c1", Subject: "alice@idp", BirthName: "Durand", GivenNames: []string{"Camille", "Marie"},
			Address: &refdata.PostalAddress{Lines: []string{"1 rue"}, PostalCode: "69001", Locality: "Lyon", CountryCode: "FR"},
			Route:   refdata.RouteVAE, Version: 2}
		wrote, err := cands.Upsert(ctx, v2)
		require.NoError(t, err)
		require.True(t, wrote)

		v1 := v2
		v1.BirthName, v1.Version = "Old", 1
		wrote, err = cands.Upsert(ctx, v1)
		require.NoError(t, err)
		require.False(t, wrote, "an older version never replaces a newer one")
		wrote, err = cands.Upsert(ctx, v2)
		require.NoError(t, err)
		require.False(t, wrote, "a redelivery changes nothing")

		got, err := cands.BySubject(ctx, "alice@idp")
		require.NoError(t, err)
		require.Equal(t, v2, got)

		v3 := v2
		v3.Address, v3.UsageName, v3.Route, v3.Version = nil, "Martin", refdata.RouteTraining, 3
		_, err = cands.Upsert(ctx, v3)
		require.NoError(t, err)
		got, err = cands.Get(ctx, "c1")
		require.NoError(t, err)
		require.Equal(t, v3, got)

		_, err = cands.Get(ctx, "missing")
		require.ErrorIs(t, err, refdata.ErrCandidateNotFound)
		_, err = cands.BySubject(ctx, "")
		require.ErrorIs(t, err, refdata.ErrCandidateNotFound)
	})
}

func TestTitles_InsertOnceAndLatest(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, _ *sqlstore.DossierRepository) {
		ctx := context.Background()
		titles := sqlstore.NewTitles(db)
		old := title
		old.PublishedAt = baseTime
		newer := title
		newer.Version, newer.PublishedAt = "2024", baseTime.Add(time.Hour)
		newer.ActivityTypes = newer.ActivityTypes[:1]
		for _, tt := range []refdata.Title{old, newer} {
			wrote, err := titles.Insert(ctx, tt)
			require.NoError(t, err)
			require.True(t, wrote)
		}
		changed := old
		changed.Label = "changed"
		wrote, err := titles.Insert(ctx, changed)
		require.NoError(t, err)
		require.False(t, wrote, "a published version is immutable: the first copy stays")

		got, err := titles.Get(ctx, "TP-00495", "2008")
		require.NoError(t, err)
		require.Equal(t, old, got)
		latest, err := titles.Get(ctx, "TP-00495", "")
		require.NoError(t, err)
		require.Equal(t, "2024", latest.Version)
		_, err = titles.Get(ctx, "TP-00495", "1999")
		require.ErrorIs(t, err, refdata.ErrTitleNotFound)
	})
}

func TestSessions_JurorsFollowTheLatestChange(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, _ *sqlstore.DossierRepository) {
		ctx := context.Background()
		sessions := sqlstore.NewSessions(db)
		s := refdata.Session{ID: "s1", CentreID: "C1", Type: refdata.SessionCCP, TitleID: "TP-00495", TitleVersion: "2008",
			CCPCodes: []string{"CCP3"}, StartDate: "2026-06-01", EndDate: "2026-06-02"}
		wrote, err := sessions.Insert(ctx, s)
		require.NoError(t, err)
		require.True(t, wrote)
		wrote, err = sessions.Insert(ctx, s)
		require.NoError(t, err)
		require.False(t, wrote)
		got, err := sessions.Get(ctx, "s1")
		require.NoError(t, err)
		require.Equal(t, s, got)
		_, err = sessions.Get(ctx, "missing")
		require.ErrorIs(t, err, refdata.ErrSessionNotFound)

		assign := refdata.JurorChange{SessionID: "s1", Subject: "juror-1", Assigned: true, At: baseTime}
		remove := refdata.JurorChange{SessionID: "s1", Subject: "juror-1", Assigned: false, At: baseTime.Add(time.Minute)}
		// Delivered out of order: the removal first, then the older assignment.
		_, err = sessions.ApplyJuror(ctx, remove)
		require.NoError(t, err)
		wrote, err = sessions.ApplyJuror(ctx, assign)
		require.NoError(t, err)
		require.False(t, wrote, "an older assignment does not undo a newer removal")
		is, err := sessions.IsJuror(ctx, "s1", "juror-1")
		require.NoError(t, err)
		require.False(t, is)

		again := assign
		again.At = baseTime.Add(2 * time.Minute)
		_, err = sessions.ApplyJuror(ctx, again)
		require.NoError(t, err)
		is, err = sessions.IsJuror(ctx, "s1", "juror-1")
		require.NoError(t, err)
		require.True(t, is)
		is, err = sessions.IsJuror(ctx, "s1", "stranger")
		require.NoError(t, err)
		require.False(t, is)
	})
}
