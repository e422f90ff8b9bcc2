package eventbus

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"
)

//go:embed migrations
var migrations embed.FS

// Migrate creates or upgrades the inbox table in db, with its own version
// table "goose_inbox" so it lives beside the service's schema.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("eventbus: migrate: %w", err)
	}
	return sqldb.Migrate(ctx, db, sub, "goose_inbox")
}

// claim records that consumer processes eventID in tx. It reports false when
// the event was already processed: the caller must then apply nothing.
func claim(ctx context.Context, tx *sqldb.Tx, consumer, eventID string) (bool, error) {
	res, err := tx.ExecContext(ctx,
		`INSERT INTO inbox (consumer, event_id, processed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		consumer, eventID, time.Now().UTC())
	if err != nil {
		return false, fmt.Errorf("eventbus: inbox: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("eventbus: inbox: %w", err)
	}
	return n == 1, nil
}
