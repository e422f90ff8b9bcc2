package sqldb_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/sqldb"
)

func TestOpenErrorsNameTheSchemeAndHideThePassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		url      string
		contains string
	}{
		{"unknown scheme", "mysql://root:hunter2secret@localhost/db", `"mysql"`},
		{"postgres unreachable", "postgres://bob:hunter2secret@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", "postgres"},
		{"postgresql unreachable", "postgresql://bob:hunter2secret@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", "postgres"},
		{"password in query", "postgres://bob@127.0.0.1:1/db?sslmode=disable&connect_timeout=2&password=hunter2secret", "postgres"},
		{"escaped password", "postgres://bob:hunter2secret%2F%40@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", "postgres"},
		{"postgres bad URL", "postgres://bob:hunter2secret@127.0.0.1:notaport/db", "postgres"},
		{"sqlite empty path", "sqlite://", "sqlite"},
		{"sqlite query params", "sqlite:///tmp/x.db?_pragma=foreign_keys(OFF)", "sqlite"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db, err := sqldb.Open(context.Background(), tt.url)
			require.Error(t, err)
			require.Nil(t, db)
			t.Log(err)
			require.Contains(t, err.Error(), tt.contains)
			require.NotContains(t, err.Error(), "hunter2secret")
		})
	}
}

func TestOpenSQLiteAbsolutePathCreatesParentFolder(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a", "b", "abs.db")
	db, err := sqldb.Open(context.Background(), "sqlite://"+path)
	require.NoError(t, err)
	require.Equal(t, sqldb.DialectSQLite, db.Dialect)
	require.NoError(t, db.Close())
	require.FileExists(t, path)
}

// Not parallel: t.Chdir changes the working directory of the process.
func TestOpenSQLiteRelativePathIsRelativeToWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	db, err := sqldb.Open(context.Background(), "sqlite://data/rel.db")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	require.FileExists(t, filepath.Join(dir, "data", "rel.db"))
}

func TestOpenSQLiteMemoryIsPrivateAndRemovedOnClose(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, err := sqldb.Open(ctx, "sqlite::memory:")
	require.NoError(t, err)
	b, err := sqldb.Open(ctx, "sqlite::memory:")
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })

	_, err = a.ExecContext(ctx, "CREATE TABLE only_in_a (x INTEGER)")
	require.NoError(t, err)
	_, err = b.ExecContext(ctx, "SELECT x FROM only_in_a")
	require.Error(t, err, "two sqlite::memory: databases must not share tables")

	var seq int
	var name, file string
	require.NoError(t, a.QueryRowContext(ctx, "PRAGMA database_list").Scan(&seq, &name, &file))
	require.FileExists(t, file)
	require.NoError(t, a.Close())
	_, err = os.Stat(file)
	require.ErrorIs(t, err, os.ErrNotExist)
}
