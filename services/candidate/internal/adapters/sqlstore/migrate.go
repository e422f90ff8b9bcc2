// Package sqlstore stores candidates in SQLite or PostgreSQL (package
// sqldb) and writes their events to the transactional outbox in the same
// transaction as the change.
package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/titrepro/titrepro/internal/sqldb"
)

//go:embed migrations
var migrations embed.FS

// VersionTable is the goose version table of the candidate schema.
const VersionTable = "goose_candidate"

// Migrate creates or upgrades the candidate tables. The outbox table has its
// own migrations (outbox.Migrate), which the repository also needs.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return sqldb.Migrate(ctx, db, sub, VersionTable)
}
