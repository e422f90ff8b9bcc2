// Package sqldb is the one SQL layer every service uses, over SQLite
// (modernc.org/sqlite, no cgo) and PostgreSQL (pgx through database/sql).
//
// SQL is written once with $1, $2… placeholders: both drivers accept them.
// Writes go through [DB.InTx], which commits iff the callback succeeds, runs
// [Tx.AfterCommit] hooks only after a successful commit, and retries the
// whole transaction on write conflicts ([IsConflict]).
//
// The package holds no global state: everything hangs off a *DB.
package sqldb
