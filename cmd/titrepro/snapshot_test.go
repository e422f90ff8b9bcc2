package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// The databases are copied from one instant, while they are written: a
// writer that commits event i in a.db and then applies it in b.db (a
// producer and its consumer) never shows, in a backup, b ahead of a — which
// copying the files one after the other would show.
func TestSnapshotDatabasesCopiesEveryDatabaseFromOneInstant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	open := func(name string) *sql.DB {
		db, err := sql.Open("sqlite", sqliteURI(filepath.Join(dir, name))+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		if _, err := db.ExecContext(ctx, "CREATE TABLE events (n INTEGER PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		return db
	}
	producer, consumer := open("a.db"), open("b.db")

	var stop atomic.Bool
	done := make(chan error, 1)
	go func() {
		for i := 1; !stop.Load(); i++ {
			if _, err := producer.ExecContext(ctx, "INSERT INTO events (n) VALUES ($1)", i); err != nil {
				done <- err
				return
			}
			if _, err := consumer.ExecContext(ctx, "INSERT INTO events (n) VALUES ($1)", i); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	count := func(path string) int {
		db, err := openSQLite(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM events").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i := range 20 {
		dest := filepath.Join(t.TempDir(), fmt.Sprint(i))
		if err := os.MkdirAll(dest, 0o700); err != nil {
			t.Fatal(err)
		}
		var sums manifest
		if err := snapshotDatabases(ctx, dir, dest, []string{"a.db", "b.db"}, &sums); err != nil {
			t.Fatal(err)
		}
		a, b := count(filepath.Join(dest, "a.db")), count(filepath.Join(dest, "b.db"))
		if b > a || a > b+1 {
			t.Fatalf("backup %d: producer %d events, consumer %d; want the consumer at most one behind and never ahead", i, a, b)
		}
		if len(sums.entries) != 2 {
			t.Fatalf("manifest entries = %v", sums.entries)
		}
	}
	stop.Store(true)
	if err := <-done; err != nil {
		t.Fatalf("writer: %v", err)
	}
}
