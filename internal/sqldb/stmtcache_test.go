package sqldb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/sqldb"
)

// Statements run through the cache give the same answers in and out of
// transactions, rolled back ones included; on SQLite each query text is
// prepared once however often it runs, and PostgreSQL (pgx caches its own
// statements) keeps none.
func TestStatementCache(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		for i := range 20 {
			require.NoError(t, db.InTx(ctx, func(tx *sqldb.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO items (id, name, value) VALUES ($1, $2, $3)`, i, fmt.Sprint("item-", i), i); err != nil {
					return err
				}
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM items`).Scan(&n); err != nil {
					return err
				}
				require.Equal(t, i+1, n, "the transaction sees its own write")
				return nil
			}))
		}
		errRolledBack := fmt.Errorf("rolled back on purpose")
		require.ErrorIs(t, db.InTx(ctx, func(tx *sqldb.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO items (id, name, value) VALUES ($1, $2, $3)`, 99, "gone", 0); err != nil {
				return err
			}
			return errRolledBack
		}), errRolledBack)

		var n, sum int
		require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*), SUM(value) FROM items`).Scan(&n, &sum))
		require.Equal(t, 20, n)
		require.Equal(t, 190, sum)
		rows, err := db.QueryContext(ctx, `SELECT name FROM items WHERE value < $1 ORDER BY id`, 3)
		require.NoError(t, err)
		var names []string
		for rows.Next() {
			var name string
			require.NoError(t, rows.Scan(&name))
			names = append(names, name)
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		require.Equal(t, []string{"item-0", "item-1", "item-2"}, names)

		// A statement that does not prepare reports its error, uncached.
		_, err = db.ExecContext(ctx, `UPDATE no_such_table SET x = 1`)
		require.Error(t, err)

		if db.Dialect == sqldb.DialectSQLite {
			require.Equal(t, 4, db.CachedStatements(), "insert, count in tx, count+sum, select names")
		} else {
			require.Zero(t, db.CachedStatements())
		}
	})
}

// The cache is bounded: queries built at run time beyond the bound run
// unprepared and still answer.
func TestStatementCacheIsBounded(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		if db.Dialect != sqldb.DialectSQLite {
			t.Skip("the cache is SQLite's only")
		}
		ctx := context.Background()
		for i := range 600 {
			var got int
			require.NoError(t, db.QueryRowContext(ctx, fmt.Sprintf(`SELECT %d`, i)).Scan(&got))
			require.Equal(t, i, got)
		}
		require.Equal(t, 512, db.CachedStatements())
	})
}
