// Package floor measures the cheapest write a store can do with the
// guarantees the services keep, so that benchmarks print their figures
// beside it, measured in the same run on the same engine (ADR 0006).
package floor

import (
	"context"
	"fmt"
	"sync"
	"time"

	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// Writes runs n writes from writers concurrent writers on db, each one
// sqldb.InTx transaction (on SQLite BEGIN IMMEDIATE, WAL,
// synchronous=FULL) that reads a row, updates it under its version and
// appends an outbox row, and returns the writes per second. It creates
// its table and the outbox in db.
func Writes(ctx context.Context, db *sqldb.DB, writers, n int) (float64, error) {
	if err := outbox.Migrate(ctx, db); err != nil {
		return 0, err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_floor (id TEXT PRIMARY KEY, version BIGINT NOT NULL, body TEXT NOT NULL)`); err != nil {
		return 0, err
	}
	for w := range writers {
		if _, err := db.ExecContext(ctx, `INSERT INTO bench_floor (id, version, body) VALUES ($1, 0, '') ON CONFLICT (id) DO NOTHING`, fmt.Sprint(w)); err != nil {
			return 0, err
		}
	}
	ob := outbox.New(db)
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range writers {
		count := n / writers
		if w < n%writers {
			count++
		}
		wg.Go(func() {
			id := fmt.Sprint(w)
			for range count {
				if err := db.InTx(ctx, func(tx *sqldb.Tx) error { return write(ctx, tx, ob, id) }); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		return 0, fmt.Errorf("floor: %w", err)
	}
	return float64(n) / elapsed.Seconds(), nil
}

func write(ctx context.Context, tx *sqldb.Tx, ob *outbox.Outbox, id string) error {
	var v int64
	if err := tx.QueryRowContext(ctx, `SELECT version FROM bench_floor WHERE id = $1`, id).Scan(&v); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE bench_floor SET version = $2, body = $3 WHERE id = $1 AND version = $4`,
		id, v+1, "an evaluation's items, a few hundred bytes of JSON", v); err != nil {
		return err
	}
	e, err := outbox.NewEvent(&emptypb.Empty{}, "titrepro/bench", "floor/"+id, time.Now())
	if err != nil {
		return err
	}
	e.Subject = "titrepro.bench.v1.floor"
	return ob.Write(ctx, tx, e)
}
