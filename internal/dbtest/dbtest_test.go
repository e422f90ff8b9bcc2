package dbtest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"
)

func TestEnginesAlwaysIncludeSQLiteFirst(t *testing.T) {
	t.Parallel()
	engines := dbtest.Engines(t)
	require.NotEmpty(t, engines)
	require.Equal(t, dbtest.SQLite, engines[0].Name)
	for _, e := range engines[1:] {
		require.Equal(t, dbtest.Postgres, e.Name)
	}
}

func TestOpenGivesEachTestAnIsolatedDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			a, b := e.Open(t), e.Open(t)
			require.Equal(t, sqldb.Dialect(e.Name), a.Dialect)
			_, err := a.ExecContext(ctx, "CREATE TABLE only_in_a (id INTEGER PRIMARY KEY)")
			require.NoError(t, err)
			_, err = a.ExecContext(ctx, "INSERT INTO only_in_a (id) VALUES ($1)", 1)
			require.NoError(t, err)
			_, err = b.ExecContext(ctx, "SELECT id FROM only_in_a")
			require.Error(t, err, "b must not see a's table")
		})
	}
}

// The PostgreSQL schema of a test is gone once the test is over.
func TestOpenDropsPostgresSchemaAtCleanup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var pg *dbtest.Engine
	for _, e := range dbtest.Engines(t) {
		if e.Name == dbtest.Postgres {
			pg = &e
		}
	}
	if pg == nil {
		t.Skip("no PostgreSQL (see the notice logged by dbtest.Engines)")
	}
	var schema string
	t.Run("inner", func(t *testing.T) {
		db := pg.Open(t)
		require.NoError(t, db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema))
		require.Regexp(t, `^t_[a-z2-7]{16}$`, schema)
		_, err := db.ExecContext(ctx, "CREATE TABLE leftover (id BIGINT)")
		require.NoError(t, err)
	})
	observer := pg.Open(t)
	var exists bool
	require.NoError(t, observer.QueryRowContext(ctx,
		"SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists))
	require.False(t, exists, "schema %s should have been dropped", schema)
}
