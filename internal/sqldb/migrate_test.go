package sqldb_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/sqldb"
)

// ownerFS returns the migrations of an owner with one table, in both
// dialects, as two versions so that the version table has something to count.
func ownerFS(table string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, dialect := range []string{"sqlite", "postgres"} {
		fsys[dialect+"/00001_create.sql"] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"-- +goose Up\nCREATE TABLE %[1]s (id BIGINT PRIMARY KEY);\n-- +goose Down\nDROP TABLE %[1]s;\n", table))}
		fsys[dialect+"/00002_column.sql"] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"-- +goose Up\nALTER TABLE %[1]s ADD COLUMN note TEXT;\n-- +goose Down\nALTER TABLE %[1]s DROP COLUMN note;\n", table))}
	}
	return fsys
}

func TestMigrateIsIdempotentAndOwnersAreIndependent(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		owners := map[string]fstest.MapFS{"goose_alpha": ownerFS("alpha"), "goose_beta": ownerFS("beta")}
		for range 2 {
			for table, fsys := range owners {
				require.NoError(t, sqldb.Migrate(ctx, db, fsys, table))
			}
		}
		for table, name := range map[string]string{"goose_alpha": "alpha", "goose_beta": "beta"} {
			_, err := db.ExecContext(ctx, "INSERT INTO "+name+" (id, note) VALUES ($1, $2)", 1, "x")
			require.NoError(t, err)
			var applied int
			require.NoError(t, db.QueryRowContext(ctx,
				"SELECT COUNT(*) FROM "+table+" WHERE version_id > 0 AND is_applied").Scan(&applied))
			require.Equal(t, 2, applied, table)
		}
	})
}

// Two services starting at the same time on one database, each with its own
// version table, and two replicas of one of them.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		runs := []struct{ table, name string }{
			{"goose_gamma", "gamma"}, {"goose_delta", "delta"}, {"goose_epsilon", "epsilon"},
		}
		if db.Dialect == sqldb.DialectPostgres {
			// Replicas of one owner are serialised by the advisory lock.
			runs = append(runs, struct{ table, name string }{"goose_gamma", "gamma"})
		}
		var wg sync.WaitGroup
		errs := make([]error, len(runs))
		for i, r := range runs {
			wg.Go(func() { errs[i] = sqldb.Migrate(ctx, db, ownerFS(r.name), r.table) })
		}
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, runs[i].table)
		}
		for _, r := range runs {
			_, err := db.ExecContext(ctx, "INSERT INTO "+r.name+" (id, note) VALUES ($1, $2) ON CONFLICT DO NOTHING", 1, "x")
			require.NoError(t, err)
		}
	})
}

func TestMigrateErrors(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		broken := fstest.MapFS{
			"sqlite/00001_bad.sql":   {Data: []byte("-- +goose Up\nCREATE TABLEX nope;\n")},
			"postgres/00001_bad.sql": {Data: []byte("-- +goose Up\nCREATE TABLEX nope;\n")},
		}
		require.Error(t, sqldb.Migrate(ctx, db, broken, "goose_broken"))
		require.Error(t, sqldb.Migrate(ctx, db, ownerFS("zeta"), ""))
	})
}
