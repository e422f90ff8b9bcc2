package sqldb

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds the statement cache. titrepro's queries are
// constant strings, a few hundred at most; a query built at run time beyond
// the bound simply runs unprepared.
const maxCachedStatements = 512

// sqliteIdleConns keeps enough SQLite connections open between requests that
// the statements prepared on them are reused rather than prepared again on a
// fresh connection.
const sqliteIdleConns = 8

// stmtCache keeps one prepared statement per query text. modernc's SQLite
// parses and plans a statement on every call otherwise, which a profile of
// juror scoring showed as a sixth of the CPU; database/sql prepares a cached
// statement on each connection once and reuses it there, inside transactions
// too (Tx.StmtContext). PostgreSQL needs none of it: pgx caches its
// statements itself.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// prepared returns the cached statement of query, preparing it on first
// use; nil when the cache is off (PostgreSQL), full, or the statement does
// not prepare (the caller then runs the query as is and gets its error).
func (db *DB) prepared(ctx context.Context, query string) *sql.Stmt {
	if db == nil || db.stmts == nil {
		return nil
	}
	c := db.stmts
	c.mu.Lock()
	s, ok := c.stmts[query]
	full := len(c.stmts) >= maxCachedStatements
	c.mu.Unlock()
	if ok || full {
		return s
	}
	s, err := db.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.stmts[query]; ok {
		_ = s.Close()
		return prev
	}
	c.stmts[query] = s
	return s
}

// closeStatements closes every cached statement.
func (db *DB) closeStatements() {
	if db.stmts == nil {
		return
	}
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	for q, s := range db.stmts.stmts {
		_ = s.Close()
		delete(db.stmts.stmts, q)
	}
}

// QueryContext runs a query outside a transaction, through the statement
// cache on SQLite.
func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := db.prepared(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return db.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query expected to return at most one row outside a
// transaction, through the statement cache on SQLite.
func (db *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := db.prepared(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return db.DB.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement in the transaction, through the statement
// cache on SQLite.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := tx.db.prepared(ctx, query); s != nil {
		return tx.Tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction, through the statement cache
// on SQLite.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := tx.db.prepared(ctx, query); s != nil {
		return tx.Tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query expected to return at most one row in the
// transaction, through the statement cache on SQLite.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := tx.db.prepared(ctx, query); s != nil {
		return tx.Tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}
