// Package dbtest runs storage tests on every SQL engine sqldb supports: a
// SQLite file always, and PostgreSQL when one is available (TEST_POSTGRES_URL,
// or a container started through testcontainers-go when Docker answers).
//
// It is an ordinary package so that other modules can import it from their
// tests:
//
//	for _, e := range dbtest.Engines(t) {
//		t.Run(e.Name, func(t *testing.T) {
//			t.Parallel()
//			db := e.Open(t)
//			...
//		})
//	}
package dbtest

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"
)

// Engine is one SQL engine tests run on.
type Engine struct {
	Name string // "sqlite" | "postgres"
}

// Engine names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// EnvPostgresURL names the variable that points tests at a PostgreSQL
// server, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const EnvPostgresURL = "TEST_POSTGRES_URL"

// pgMaxOpenConns caps each test's pool: many tests run in parallel, in many
// packages at once, against one server whose max_connections is finite.
const pgMaxOpenConns = 4

// Engines returns the engines to run on: sqlite always, postgres when
// TEST_POSTGRES_URL is set or a Docker daemon can run a container for this
// test binary. Without PostgreSQL it logs a loud notice, or fails the test
// when CI=true, because CI must not silently lose half the coverage.
func Engines(t testing.TB) []Engine {
	t.Helper()
	engines := []Engine{{Name: SQLite}}
	if base, reason := postgresURL(); base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL required in CI: set %s (%s)", EnvPostgresURL, reason)
		}
		t.Logf("\n"+
			"************************************************************\n"+
			"*** dbtest: PostgreSQL NOT TESTED, running on SQLite only ***\n"+
			"*** reason: %s\n"+
			"*** set %s to run on PostgreSQL too\n"+
			"************************************************************",
			reason, EnvPostgresURL)
		return engines
	}
	return append(engines, Engine{Name: Postgres})
}

// Open returns a fresh, empty database closed at the end of the test: a new
// SQLite file in t.TempDir(), or a new PostgreSQL schema (made current
// through search_path) dropped with everything in it at the end of the test.
func (e Engine) Open(t testing.TB) *sqldb.DB {
	t.Helper()
	switch e.Name {
	case SQLite:
		return openSQLite(t)
	case Postgres:
		return openPostgres(t)
	default:
		t.Fatalf("dbtest: unknown engine %q", e.Name)
		return nil
	}
}

func openSQLite(t testing.TB) *sqldb.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := sqldb.Open(context.Background(), "sqlite://"+path)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("dbtest: close sqlite: %v", err)
		}
	})
	return db
}

func openPostgres(t testing.TB) *sqldb.DB {
	t.Helper()
	base, reason := postgresURL()
	if base == "" {
		t.Fatalf("dbtest: no PostgreSQL: %s", reason)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("dbtest: %s is not a URL", EnvPostgresURL)
	}
	// Lower case: an unquoted identifier; the prefix makes it start with a
	// letter and marks it as a test leftover if a cleanup ever fails.
	schema := "t_" + strings.ToLower(rand.Text()[:16])
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// search_path may name a schema that does not exist yet: PostgreSQL
	// resolves it per statement, so tables land in it once it is created.
	db, err := sqldb.Open(ctx, u.String())
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	db.SetMaxOpenConns(pgMaxOpenConns)
	db.SetMaxIdleConns(pgMaxOpenConns)
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		_ = db.Close()
		t.Fatalf("dbtest: create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dbtest: drop schema %s: %v", schema, err)
		}
		if err := db.Close(); err != nil {
			t.Errorf("dbtest: close postgres: %v", err)
		}
	})
	return db
}

// URL returns the URL of a fresh, empty database for a program under test
// that opens its own (a whole service): a SQLite file in t.TempDir(), or a
// new PostgreSQL schema (search_path) dropped at the end of the test.
func (e Engine) URL(t testing.TB) string {
	t.Helper()
	switch e.Name {
	case SQLite:
		return "sqlite://" + filepath.Join(t.TempDir(), "test.db")
	case Postgres:
		db := openPostgres(t) // creates the schema, drops it at cleanup
		var schema string
		if err := db.QueryRowContext(context.Background(), "SELECT current_schema()").Scan(&schema); err != nil {
			t.Fatalf("dbtest: current schema: %v", err)
		}
		base, _ := postgresURL()
		u, err := url.Parse(base)
		if err != nil {
			t.Fatalf("dbtest: %s is not a URL", EnvPostgresURL)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	default:
		t.Fatalf("dbtest: unknown engine %q", e.Name)
		return ""
	}
}
