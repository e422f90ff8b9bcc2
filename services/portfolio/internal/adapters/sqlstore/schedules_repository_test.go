package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// TestSchedules: the latest change of a session's schedule wins, by
// version, whatever the order of delivery; a cancellation keeps the
// deadline it does not carry.
func TestSchedules(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, _ *sqlstore.DossierRepository) {
		ctx := context.Background()
		r := sqlstore.NewSchedules(db)
		_, err := r.Get(ctx, "s1")
		require.ErrorIs(t, err, refdata.ErrSessionNotFound)
		planned := refdata.Schedule{SessionID: "s1", StartDate: "2026-06-01", EndDate: "2026-06-02", DossierDeadline: "2026-05-25", Version: 1}
		postponed := refdata.Schedule{SessionID: "s1", StartDate: "2026-06-15", EndDate: "2026-06-16", DossierDeadline: "2026-06-15", Version: 3}
		ok, err := r.Apply(ctx, postponed)
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = r.Apply(ctx, planned)
		require.NoError(t, err)
		require.False(t, ok, "an older change arriving late is ignored")
		ok, err = r.Apply(ctx, postponed)
		require.NoError(t, err)
		require.False(t, ok, "a redelivery is ignored")
		got, err := r.Get(ctx, "s1")
		require.NoError(t, err)
		require.Equal(t, postponed, got)

		ok, err = r.Apply(ctx, refdata.Schedule{SessionID: "s1", StartDate: "2026-06-15", EndDate: "2026-06-16", Cancelled: true, Version: 4})
		require.NoError(t, err)
		require.True(t, ok)
		got, err = r.Get(ctx, "s1")
		require.NoError(t, err)
		require.True(t, got.Cancelled)
		require.Equal(t, "2026-06-15", got.DossierDeadline, "a cancellation keeps the deadline")
	})
}
