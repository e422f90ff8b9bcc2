package sqldb_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"
)

func openSQLite(t *testing.T) *sqldb.DB {
	t.Helper()
	db := dbtest.Engine{Name: dbtest.SQLite}.Open(t)
	require.NoError(t, sqldb.Migrate(context.Background(), db, itemsFS, "goose_items"))
	return db
}

// sqlitePath returns the file behind db.
func sqlitePath(t *testing.T, db *sqldb.DB) string {
	t.Helper()
	var seq int
	var name, file string
	require.NoError(t, db.QueryRowContext(context.Background(), "PRAGMA database_list").Scan(&seq, &name, &file))
	return file
}

// openImpatient opens path with busy_timeout=0, so that a lock held by
// someone else fails at once with SQLITE_BUSY instead of waiting.
func openImpatient(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)")
	require.NoError(t, err)
	t.Cleanup(func() { _ = raw.Close() })
	return raw
}

func TestSQLitePragmasOnEveryConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openSQLite(t)
	// Hold several connections at once so the pool must open new ones.
	for i := range 3 {
		conn, err := db.Conn(ctx)
		require.NoError(t, err)
		defer conn.Close()
		var journal string
		var synchronous, foreignKeys, busyTimeout int
		require.NoError(t, conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal))
		require.NoError(t, conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&synchronous))
		require.NoError(t, conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&foreignKeys))
		require.NoError(t, conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busyTimeout))
		require.Equal(t, "wal", journal, "connection %d", i)
		require.Equal(t, 2, synchronous, "connection %d: synchronous=FULL", i)
		require.Equal(t, 1, foreignKeys, "connection %d", i)
		require.Equal(t, 10000, busyTimeout, "connection %d", i)
	}
}

func TestSQLiteForeignKeysAreEnforced(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openSQLite(t)
	_, err := db.ExecContext(ctx, "CREATE TABLE parts (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES items(id))")
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, "INSERT INTO parts (id, item_id) VALUES ($1, $2)", 1, 42)
	require.ErrorContains(t, err, "FOREIGN KEY")
}

// A transaction that has not written anything yet already holds the write
// lock: that is BEGIN IMMEDIATE, not SQLite's default BEGIN DEFERRED.
func TestSQLiteTransactionsBeginImmediate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openSQLite(t)
	other := openImpatient(t, sqlitePath(t, db))

	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		_, err := other.ExecContext(ctx, "INSERT INTO items (id, name) VALUES (1, 'other')")
		require.Error(t, err)
		require.True(t, sqldb.IsConflict(err), "want SQLITE_BUSY, got %v", err)
		return nil
	})
	require.NoError(t, err)

	// Once the transaction is over, the other writer gets through.
	_, err = other.ExecContext(ctx, "INSERT INTO items (id, name) VALUES (1, 'other')")
	require.NoError(t, err)
}

// Many writers on one file all succeed: BEGIN IMMEDIATE + busy_timeout
// queue them, and InTx retries whatever BUSY is left.
func TestSQLiteConcurrentWritersAllSucceed(t *testing.T) {
	t.Parallel()
	const writers, perWriter = 16, 50
	ctx := context.Background()
	db := openSQLite(t)

	errs := make(chan error, writers*perWriter)
	done := make(chan struct{})
	for w := range writers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range perWriter {
				id := int64(w*perWriter + i)
				errs <- db.InTx(ctx, func(tx *sqldb.Tx) error {
					// Read then write, the pattern that deadlocks into
					// SQLITE_BUSY under BEGIN DEFERRED.
					var n int
					if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM items").Scan(&n); err != nil {
						return err
					}
					return insertItem(ctx, tx, id, fmt.Sprintf("item-%d", id))
				})
			}
		}()
	}
	for range writers {
		<-done
	}
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, writers*perWriter, countItems(t, db))
}

// On SQLite writes take turns in the process (DB.writers): a write that
// arrives while a transaction is open waits for it in line, not in SQLite's
// busy handler, and gives up when its context ends.
func TestSQLiteWritersTakeTurns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openSQLite(t)
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.InTx(ctx, func(tx *sqldb.Tx) error {
			close(holding)
			<-release
			return insertItem(ctx, tx, 1, "first")
		})
	}()
	<-holding
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err := db.ExecContext(cancelled, "INSERT INTO items (id, name) VALUES (2, 'second')")
	require.ErrorIs(t, err, context.Canceled, "a write waits for its turn")
	err = db.InTx(cancelled, func(tx *sqldb.Tx) error { return insertItem(ctx, tx, 3, "third") })
	require.ErrorIs(t, err, context.Canceled)
	close(release)
	require.NoError(t, <-done)
	_, err = db.ExecContext(ctx, "INSERT INTO items (id, name) VALUES (2, 'second')")
	require.NoError(t, err, "its turn comes once the transaction ends")
	require.Equal(t, 2, countItems(t, db))
}
