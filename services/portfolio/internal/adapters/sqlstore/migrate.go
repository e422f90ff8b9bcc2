// Package sqlstore stores dossiers, their documents' metadata, snapshots
// and the projections of other contexts in SQLite or PostgreSQL (package
// sqldb), and writes DossierSubmitted to the transactional outbox in the
// transaction that stores the snapshot.
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

// VersionTable is the goose version table of the portfolio schema.
const VersionTable = "goose_portfolio"

// Migrate creates or upgrades the portfolio tables. The outbox and inbox
// tables have their own migrations (outbox.Migrate, eventbus.Migrate).
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return sqldb.Migrate(ctx, db, sub, VersionTable)
}

// querier is a *sqldb.DB or a *sqldb.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }
