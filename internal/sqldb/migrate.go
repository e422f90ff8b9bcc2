package sqldb

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrate applies the pending goose migrations of fsys to db and records
// them in the version table named table. fsys holds one sub-folder per
// dialect, "sqlite" and "postgres", each with goose SQL files; the one
// matching db.Dialect is used.
//
// Each owner (service, outbox, inbox…) passes its own table, so several
// owners can share one database. Calling Migrate again is a no-op once
// everything is applied. On PostgreSQL, concurrent calls for the same table
// and schema are serialised by an advisory lock; different tables do not
// wait for each other. goose migrates on a single connection, so a small
// pool is enough. On SQLite, every goose transaction starts with
// BEGIN IMMEDIATE and waits on busy_timeout, which serialises writers in the
// same file.
func Migrate(ctx context.Context, db *DB, fsys fs.FS, table string) error {
	if table == "" {
		return errors.New("sqldb: migrate: empty version table name")
	}
	var gooseDialect goose.Dialect
	switch db.Dialect {
	case DialectSQLite:
		gooseDialect = goose.DialectSQLite3
	case DialectPostgres:
		gooseDialect = goose.DialectPostgres
	default:
		return fmt.Errorf("sqldb: migrate %s: unsupported dialect %q", table, db.Dialect)
	}
	sub, err := fs.Sub(fsys, string(db.Dialect))
	if err != nil {
		return fmt.Errorf("sqldb: migrate %s: %w", table, err)
	}
	opts := []goose.ProviderOption{
		goose.WithTableName(table),
		// Go migrations registered globally by some other package must
		// never leak into this owner's migrations.
		goose.WithDisableGlobalRegistry(true),
	}
	if db.Dialect == DialectPostgres {
		locker, err := migrationLocker(ctx, db, table)
		if err != nil {
			return fmt.Errorf("sqldb: migrate %s: %w", table, err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	provider, err := goose.NewProvider(gooseDialect, db.DB, sub, opts...)
	if err != nil {
		return fmt.Errorf("sqldb: migrate %s: %w", table, err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("sqldb: migrate %s: %w", table, err)
	}
	return nil
}

// migrationLocker returns a goose session locker (a PostgreSQL advisory lock
// held by the connection goose migrates on) keyed on the current schema and
// the version table. goose's default key is one for the whole database; a
// key per (schema, table) lets unrelated owners, and parallel test schemas,
// migrate at the same time while replicas of one owner wait for each other.
// The lock is polled every second for up to 5 minutes.
func migrationLocker(ctx context.Context, db *DB, table string) (lock.SessionLocker, error) {
	var schema string
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return nil, fmt.Errorf("current schema: %w", err)
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte("sqldb.migrate\x00" + schema + "\x00" + table))
	return lock.NewPostgresSessionLocker(
		lock.WithLockID(int64(h.Sum64())),
		lock.WithLockTimeout(1, 300),
		lock.WithUnlockTimeout(1, 60),
	)
}
