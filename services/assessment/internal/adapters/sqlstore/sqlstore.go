// Package sqlstore keeps the assessment service's state in SQL, on SQLite
// or PostgreSQL through sqldb: the session aggregates (with the outbox
// events of their changes, in the same transaction) and the projections of
// titles and candidates fed by other contexts' events. Queries are written
// once with $n placeholders and run on both engines.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"

	"github.com/titrepro/titrepro/internal/sqldb"
)

//go:embed migrations
var migrations embed.FS

// VersionTable is the goose version table of the service's own schema; the
// outbox and the inbox keep their own.
const VersionTable = "goose_assessment"

// Migrate creates or upgrades the service's tables in db.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return sqldb.Migrate(ctx, db, sub, VersionTable)
}

// querier is what both *sqldb.DB and *sqldb.Tx offer, so that one
// repository can read through the pool or inside a caller's transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// dialectOf returns the dialect q speaks.
func dialectOf(q querier) sqldb.Dialect {
	switch q := q.(type) {
	case *sqldb.Tx:
		return q.Dialect
	case *sqldb.DB:
		return q.Dialect
	}
	return ""
}

// dbTime is how times are stored (sqldb.Timestamp).
var dbTime = sqldb.Timestamp

// toJSON encodes a column value; nil slices become [] so that the stored
// text does not depend on nil versus empty.
func toJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	if string(b) == "null" {
		return "[]", nil
	}
	return string(b), nil
}

// strs returns a JSON array of ss, never null.
func strs(ss []string) (string, error) {
	if ss == nil {
		ss = []string{}
	}
	return toJSON(ss)
}
