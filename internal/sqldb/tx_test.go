package sqldb_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/sqldb"
)

var errBoom = errors.New("boom")

func TestInTxCommitsOnlyWhenFnSucceeds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		fnErr     error
		panicWith any
		wantRows  int
		wantHooks []string
	}{
		{name: "commit", wantRows: 1, wantHooks: []string{"first", "second"}},
		{name: "error rolls back", fnErr: errBoom},
		{name: "panic rolls back", panicWith: "kaboom"},
	}
	forEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				_, err := db.ExecContext(ctx, "DELETE FROM items")
				require.NoError(t, err)

				var hooks []string
				run := func() error {
					return db.InTx(ctx, func(tx *sqldb.Tx) error {
						require.Equal(t, db.Dialect, tx.Dialect)
						tx.AfterCommit(func() { hooks = append(hooks, "first") })
						if err := insertItem(ctx, tx, 1, "one"); err != nil {
							return err
						}
						tx.AfterCommit(func() { hooks = append(hooks, "second") })
						if tt.panicWith != nil {
							panic(tt.panicWith)
						}
						return tt.fnErr
					})
				}
				if tt.panicWith != nil {
					require.PanicsWithValue(t, tt.panicWith, func() { _ = run() })
				} else {
					err := run()
					if tt.fnErr != nil {
						require.ErrorIs(t, err, tt.fnErr)
					} else {
						require.NoError(t, err)
					}
				}
				require.Equal(t, tt.wantRows, countItems(t, db))
				require.Equal(t, tt.wantHooks, hooks)
				// The connection went back to the pool usable: no
				// transaction was left open on it.
				require.NoError(t, db.InTx(ctx, func(tx *sqldb.Tx) error { return insertItem(ctx, tx, 2, "two") }))
			})
		}
	})
}

func TestInTxPlaceholders(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		require.NoError(t, db.InTx(ctx, func(tx *sqldb.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO items (id, name, value) VALUES ($1, $2, $3)", 7, "seven", 70)
			return err
		}))
		var name string
		var value int64
		require.NoError(t, db.QueryRowContext(ctx,
			"SELECT name, value FROM items WHERE id = $1 AND value > $2", 7, 1).Scan(&name, &value))
		require.Equal(t, "seven", name)
		require.Equal(t, int64(70), value)
	})
}

// conflict is what a PostgreSQL serialization failure looks like, wrapped
// the way application code wraps errors.
func conflict() error {
	return fmt.Errorf("saving: %w", &pgconn.PgError{Code: "40001", Message: "could not serialize access"})
}

func TestInTxRetriesConflictsFromScratch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		conflicts    int // attempts that fail with a conflict before one succeeds
		fnErr        error
		wantAttempts int
		wantRows     int
		wantHooks    []int
		wantConflict bool
	}{
		{name: "no conflict", wantAttempts: 1, wantRows: 1, wantHooks: []int{1}},
		{name: "two conflicts then success", conflicts: 2, wantAttempts: 3, wantRows: 1, wantHooks: []int{3}},
		{name: "three conflicts then success", conflicts: 3, wantAttempts: 4, wantRows: 1, wantHooks: []int{4}},
		{name: "gives up after three retries", conflicts: 100, wantAttempts: 4, wantConflict: true},
		{name: "other errors are not retried", fnErr: errBoom, wantAttempts: 1},
	}
	forEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				_, err := db.ExecContext(ctx, "DELETE FROM items")
				require.NoError(t, err)

				attempts := 0
				var hooks []int
				err = db.InTx(ctx, func(tx *sqldb.Tx) error {
					attempts++
					attempt := attempts
					tx.AfterCommit(func() { hooks = append(hooks, attempt) })
					// Each attempt writes the same row: it only fits if the
					// failed attempts were rolled back.
					if err := insertItem(ctx, tx, 1, "one"); err != nil {
						return err
					}
					if attempt <= tt.conflicts {
						return conflict()
					}
					return tt.fnErr
				})
				require.Equal(t, tt.wantAttempts, attempts)
				require.Equal(t, tt.wantConflict, sqldb.IsConflict(err), "err = %v", err)
				if tt.fnErr != nil {
					require.ErrorIs(t, err, tt.fnErr)
				}
				if tt.wantRows > 0 {
					require.NoError(t, err)
				}
				require.Equal(t, tt.wantRows, countItems(t, db))
				require.Equal(t, tt.wantHooks, hooks)
			})
		}
	})
}

func TestInTxStopsRetryingWhenContextEnds(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		attempts := 0
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			attempts++
			cancel()
			return conflict()
		})
		require.Equal(t, 1, attempts)
		require.ErrorIs(t, err, context.Canceled)
		require.True(t, sqldb.IsConflict(err))
	})
}

func TestIsUniqueViolation(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		require.NoError(t, db.InTx(ctx, func(tx *sqldb.Tx) error { return insertItem(ctx, tx, 1, "one") }))

		tests := []struct {
			name string
			id   int64
			item string
			want bool
		}{
			{"duplicate primary key", 1, "other", true},
			{"duplicate unique column", 2, "one", true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := db.InTx(ctx, func(tx *sqldb.Tx) error { return insertItem(ctx, tx, tt.id, tt.item) })
				require.Error(t, err)
				require.Equal(t, tt.want, sqldb.IsUniqueViolation(err), "err = %v", err)
				require.Equal(t, tt.want, sqldb.IsUniqueViolation(fmt.Errorf("wrapped: %w", err)))
				require.False(t, sqldb.IsConflict(err))
			})
		}

		_, err := db.ExecContext(ctx, "INSERT INTO items (id) VALUES ($1)", 3) // NOT NULL, not unique
		require.Error(t, err)
		require.False(t, sqldb.IsUniqueViolation(err), "err = %v", err)
	})
}

func TestClassifiersOnOtherErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		err          error
		wantUnique   bool
		wantConflict bool
	}{
		{name: "nil"},
		{name: "plain", err: errBoom},
		{name: "no rows", err: sql.ErrNoRows},
		{name: "pg unique", err: &pgconn.PgError{Code: "23505"}, wantUnique: true},
		{name: "pg serialization", err: &pgconn.PgError{Code: "40001"}, wantConflict: true},
		{name: "pg deadlock", err: fmt.Errorf("x: %w", &pgconn.PgError{Code: "40P01"}), wantConflict: true},
		{name: "pg foreign key", err: &pgconn.PgError{Code: "23503"}},
		{name: "joined", err: errors.Join(errBoom, &pgconn.PgError{Code: "40001"}), wantConflict: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.wantUnique, sqldb.IsUniqueViolation(tt.err))
			require.Equal(t, tt.wantConflict, sqldb.IsConflict(tt.err))
		})
	}
}

// A real conflict from each engine is classified as one.
func TestIsConflictOnRealConflicts(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		_, err := db.ExecContext(ctx, "INSERT INTO items (id, name, value) VALUES (1, 'one', 0)")
		require.NoError(t, err)

		var conflictErr error
		switch db.Dialect {
		case sqldb.DialectSQLite:
			// Another connection writes while a transaction holds the lock.
			other := openImpatient(t, sqlitePath(t, db))
			require.NoError(t, db.InTx(ctx, func(tx *sqldb.Tx) error {
				_, conflictErr = other.ExecContext(ctx, "UPDATE items SET value = 2 WHERE id = 1")
				return nil
			}))
		case sqldb.DialectPostgres:
			// A REPEATABLE READ transaction updates a row changed since
			// its snapshot was taken.
			tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead})
			require.NoError(t, err)
			defer func() { _ = tx.Rollback() }()
			var v int
			require.NoError(t, tx.QueryRowContext(ctx, "SELECT value FROM items WHERE id = 1").Scan(&v))
			_, err = db.ExecContext(ctx, "UPDATE items SET value = value + 1 WHERE id = 1")
			require.NoError(t, err)
			_, conflictErr = tx.ExecContext(ctx, "UPDATE items SET value = value + 1 WHERE id = 1")
		}
		require.Error(t, conflictErr)
		require.True(t, sqldb.IsConflict(conflictErr), "err = %v", conflictErr)
		require.True(t, sqldb.IsConflict(fmt.Errorf("wrapped: %w", conflictErr)))
		require.False(t, sqldb.IsUniqueViolation(conflictErr))
	})
}
