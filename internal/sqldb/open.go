package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Dialect names the SQL engine behind a DB.
type Dialect string

// The supported dialects.
const (
	DialectSQLite   Dialect = "sqlite"
	DialectPostgres Dialect = "postgres"
)

// DB is a connection pool plus the dialect it speaks.
type DB struct {
	*sql.DB
	Dialect Dialect

	// cleanup removes what Open created for "sqlite::memory:" (a temp dir).
	cleanup func() error
	// writers admits one write at a time on SQLite (InTx, ExecContext),
	// blocked writers queued in arrival order. SQLite allows one writer
	// anyway; without the gate the others wait in its busy handler, which
	// polls with sleeps growing to 100 ms: under a burst a writer can miss
	// the lock many times over while others get it, which made the p99
	// latency of a registration burst hundreds of milliseconds. nil on
	// PostgreSQL, whose writers do not exclude each other.
	writers chan struct{}
	// stmts caches prepared statements on SQLite (stmtcache.go); nil on
	// PostgreSQL.
	stmts *stmtCache
}

// Close closes the pool and, for "sqlite::memory:", removes its temporary
// database file.
func (db *DB) Close() error {
	db.closeStatements()
	err := db.DB.Close()
	if db.cleanup != nil {
		err = errors.Join(err, db.cleanup())
	}
	return err
}

// sqlitePragmas are applied by modernc on every new connection, so a pool
// that grows or recycles connections never loses them. busy_timeout goes
// first (modernc sorts it first anyway) so the other pragmas wait for locks.
//
// _txlock=immediate makes every read-write transaction start with
// BEGIN IMMEDIATE: the write lock is taken up front, where busy_timeout can
// wait for it, instead of at the first write where SQLite would have to fail
// the transaction with SQLITE_BUSY to avoid a deadlock.
const sqliteParams = "_pragma=busy_timeout(10000)" +
	"&_pragma=journal_mode(WAL)" +
	"&_pragma=synchronous(FULL)" +
	"&_pragma=foreign_keys(ON)" +
	"&_txlock=immediate"

// Open connects to the database named by rawURL and pings it:
//
//   - "sqlite:///abs/path.db": a SQLite file at an absolute path;
//   - "sqlite://rel/path.db": a SQLite file relative to the working directory;
//   - "sqlite::memory:": a private database in a fresh temporary file, removed
//     by Close. A file rather than a shared-cache in-memory database so that it
//     behaves exactly like production (WAL, BEGIN IMMEDIATE with busy_timeout;
//     shared-cache locks fail with SQLITE_LOCKED instead of waiting);
//   - "postgres://..." or "postgresql://...": PostgreSQL through pgx. Extra
//     query parameters such as search_path are sent as run-time parameters;
//     pgx's own, such as sslmode, sslrootcert, sslcert and sslkey (TLS,
//     docs/tls.md), configure the connection.
//
// The parent folder of a SQLite file is created if missing. Errors name the
// scheme and never contain a password.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	switch {
	case rawURL == "sqlite::memory:":
		return openSQLiteMemory(ctx)
	case strings.HasPrefix(rawURL, "sqlite://"):
		return openSQLiteFile(ctx, strings.TrimPrefix(rawURL, "sqlite://"))
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL)
	default:
		scheme, _, _ := strings.Cut(rawURL, ":")
		return nil, fmt.Errorf("sqldb: unsupported database URL scheme %q (want sqlite or postgres)", scheme)
	}
}

func openSQLiteMemory(ctx context.Context) (*DB, error) {
	dir, err := os.MkdirTemp("", "sqldb-memory-")
	if err != nil {
		return nil, fmt.Errorf("sqldb: sqlite::memory:: create temp dir: %w", err)
	}
	db, err := openSQLitePath(ctx, filepath.Join(dir, "memory.db"))
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	db.cleanup = func() error { return os.RemoveAll(dir) }
	return db, nil
}

func openSQLiteFile(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqldb: sqlite: empty path")
	}
	if strings.ContainsAny(path, "?#") {
		// modernc would read anything after '?' as its own parameters and
		// could silently override the pragmas this package guarantees.
		return nil, errors.New("sqldb: sqlite: query parameters are not supported in the URL")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqldb: sqlite: resolve path: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("sqldb: sqlite: create parent folder: %w", err)
	}
	return openSQLitePath(ctx, abs)
}

func openSQLitePath(ctx context.Context, path string) (*DB, error) {
	pool, err := sql.Open("sqlite", path+"?"+sqliteParams)
	if err != nil {
		return nil, fmt.Errorf("sqldb: sqlite: open %s: %w", path, err)
	}
	if err := pool.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("sqldb: sqlite: ping %s: %w", path, err), pool.Close())
	}
	pool.SetMaxIdleConns(sqliteIdleConns)
	return &DB{DB: pool, Dialect: DialectSQLite, writers: make(chan struct{}, 1),
		stmts: &stmtCache{stmts: map[string]*sql.Stmt{}}}, nil
}

func openPostgres(ctx context.Context, rawURL string) (*DB, error) {
	redact := passwordRedactor(rawURL)
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, redact(fmt.Errorf("sqldb: postgres: parse URL: %w", err))
	}
	pool := stdlib.OpenDB(*cfg)
	if err := pool.PingContext(ctx); err != nil {
		return nil, errors.Join(redact(fmt.Errorf("sqldb: postgres: ping %s: %w", safeURL(rawURL), err)), pool.Close())
	}
	pool.SetMaxOpenConns(postgresMaxConns)
	pool.SetMaxIdleConns(postgresMaxConns)
	pool.SetConnMaxIdleTime(postgresConnMaxIdle)
	return &DB{DB: pool, Dialect: DialectPostgres}, nil
}

// safeURL renders rawURL with its password replaced by "xxxxx".
func safeURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "<unparsable URL>"
	}
	return u.Redacted()
}

// passwordRedactor returns a function that scrubs the password of rawURL
// from an error's text, whatever layer put it there, while keeping the error
// chain for errors.As.
func passwordRedactor(rawURL string) func(error) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		// An unparsable URL may still hold a password we cannot locate: hide
		// the whole text rather than risk printing it.
		return func(err error) error {
			return &redactedError{msg: "sqldb: postgres: invalid URL", err: err}
		}
	}
	var secrets []string
	if pw, ok := u.User.Password(); ok && pw != "" {
		secrets = append(secrets, pw)
	}
	// pgx also reads a password from the query string.
	if pw := u.Query().Get("password"); pw != "" {
		secrets = append(secrets, pw)
	}
	if len(secrets) == 0 {
		return func(err error) error { return err }
	}
	return func(err error) error {
		msg := err.Error()
		for _, pw := range secrets {
			for _, form := range []string{pw, url.QueryEscape(pw), url.PathEscape(pw)} {
				msg = strings.ReplaceAll(msg, form, "xxxxx")
			}
		}
		return &redactedError{msg: msg, err: err}
	}
}

// redactedError prints a scrubbed message but unwraps to the original error
// so callers can still classify it.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
