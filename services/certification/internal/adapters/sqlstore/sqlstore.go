// Package sqlstore keeps the certification service's state in SQL, on
// SQLite or PostgreSQL through sqldb: the catalogue of title versions (with
// the outbox events of their publication), the holder projection, the
// sessions' results, the CCPs each person holds, the certificates and each
// award's CPF deposit state (CpfDepositRepository). A
// validation writes the last three and its events in one transaction
// (ValidationStore).
// Queries are written once with $n placeholders and run on both engines.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/titrepro/titrepro/internal/sqldb"
)

//go:embed migrations
var migrations embed.FS

// versionTable is the goose version table of the service's own schema;
// the outbox and the inbox keep their own.
const versionTable = "goose_certification"

// Migrate creates or upgrades the service's tables in db.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return sqldb.Migrate(ctx, db, sub, versionTable)
}

// querier is what both *sqldb.DB and *sqldb.Tx offer, so that one
// repository can read through the pool or inside a caller's transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// dbTime is how times are stored (sqldb.Timestamp).
var dbTime = sqldb.Timestamp
