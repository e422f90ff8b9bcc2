package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// Tx is a transaction plus the dialect it speaks. Get one from DB.InTx.
type Tx struct {
	*sql.Tx
	Dialect Dialect

	db          *DB // its statement cache
	afterCommit []func()
	spanContext trace.SpanContext // see SpanContext
}

// AfterCommit registers fn to run after the transaction commits, in
// registration order. It never runs if the transaction rolls back or if this
// attempt is retried, which makes it the place for side effects such as
// waking a relay.
func (tx *Tx) AfterCommit(fn func()) {
	tx.afterCommit = append(tx.afterCommit, fn)
}

// maxConflictRetries is how many times InTx re-runs a transaction that failed
// with a conflict, after the first attempt.
const maxConflictRetries = 3

// InTx runs fn in a transaction: it commits iff fn returns nil and rolls back
// otherwise, including when fn panics (the panic is re-raised). After a
// successful commit it runs the hooks registered with Tx.AfterCommit.
//
// When beginning, running fn or committing fails with a conflict
// (IsConflict: SQLite BUSY/LOCKED, PostgreSQL serialization failure or
// deadlock), the whole transaction is retried up to 3 more times after a small
// jittered backoff. This is safe because nothing of the failed attempt
// survives: the database rolled it back, fn runs again from scratch on a new
// Tx and the hooks of the failed attempt are dropped. fn must therefore keep
// its side effects to the database and AfterCommit.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	ctx, endSpan := db.startTxSpan(ctx)
	var err error
	for attempt := 0; ; attempt++ {
		err = db.inTxOnce(ctx, fn)
		if err == nil || !IsConflict(err) || attempt == maxConflictRetries {
			endSpan(err, attempt+1)
			return err
		}
		if werr := sleepCtx(ctx, conflictBackoff(attempt)); werr != nil {
			err = errors.Join(err, werr)
			endSpan(err, attempt+1)
			return err
		}
	}
}

// conflictBackoff returns the wait before retry attempt+1: 5ms, 10ms, 20ms
// plus up to as much again of jitter, so that writers that collided do not
// collide again in lockstep.
func conflictBackoff(attempt int) time.Duration {
	base := 5 * time.Millisecond << attempt
	return base + rand.N(base)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (db *DB) inTxOnce(ctx context.Context, fn func(tx *Tx) error) (err error) {
	release, err := db.admitWriter(ctx)
	if err != nil {
		return fmt.Errorf("sqldb: begin: %w", err)
	}
	defer release()
	sqlTx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqldb: begin: %w", err)
	}
	tx := &Tx{Tx: sqlTx, Dialect: db.Dialect, db: db, spanContext: trace.SpanContextFromContext(ctx)}
	committed := false
	defer func() {
		if committed {
			return
		}
		// Reached on error and on panic: never leave the transaction open.
		// The rollback error is secondary to fn's error or panic.
		rerr := sqlTx.Rollback()
		if p := recover(); p != nil {
			panic(p)
		}
		if rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			err = errors.Join(err, fmt.Errorf("sqldb: rollback: %w", rerr))
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqldb: commit: %w", err)
	}
	committed = true
	for _, hook := range tx.afterCommit {
		hook()
	}
	return nil
}

// admitWriter waits for this write's turn on SQLite (DB.writers) and
// returns the function that ends it; on PostgreSQL it returns at once.
func (db *DB) admitWriter(ctx context.Context) (func(), error) {
	if db.writers == nil {
		return func() {}, nil
	}
	select {
	case db.writers <- struct{}{}:
		return func() { <-db.writers }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// ExecContext runs one statement outside a transaction. On SQLite it is a
// write like any transaction's and takes its turn with them (DB.writers).
// Never call it inside InTx's fn on the same DB: use the Tx.
func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	release, err := db.admitWriter(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	if s := db.prepared(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return db.DB.ExecContext(ctx, query, args...)
}
