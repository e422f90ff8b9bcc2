package sqldb_test

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// itemsFS creates the table "items" used by most tests. The SQLite and
// PostgreSQL versions differ on purpose (types), as real migrations do.
var itemsFS = fstest.MapFS{
	"sqlite/00001_items.sql": {Data: []byte(`-- +goose Up
CREATE TABLE items (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE,
    value INTEGER NOT NULL DEFAULT 0
);
-- +goose Down
DROP TABLE items;
`)},
	"postgres/00001_items.sql": {Data: []byte(`-- +goose Up
CREATE TABLE items (
    id    BIGINT PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE,
    value BIGINT NOT NULL DEFAULT 0
);
-- +goose Down
DROP TABLE items;
`)},
}

// forEachEngine runs test as a parallel subtest on every available engine,
// each with a fresh database holding the "items" table.
func forEachEngine(t *testing.T, test func(t *testing.T, db *sqldb.DB)) {
	t.Helper()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t)
			require.NoError(t, sqldb.Migrate(context.Background(), db, itemsFS, "goose_items"))
			test(t, db)
		})
	}
}

func insertItem(ctx context.Context, tx *sqldb.Tx, id int64, name string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO items (id, name) VALUES ($1, $2)", id, name)
	return err
}

func countItems(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	var n int
	require.NoError(t, db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM items").Scan(&n))
	return n
}
