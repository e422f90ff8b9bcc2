package sqldb_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"
)

func TestKeysetSelectBuildsNumberedQuery(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 6789, time.FixedZone("CET", 3600))
	var k sqldb.KeysetSelect
	k.Equal("centre_id", "C1")
	k.Equal("subject", "") // empty filter: left out
	k.After("created_at", "id", at, "abc")
	query, args := k.Build("SELECT id FROM t", "created_at", "id", 10)
	want := "SELECT id FROM t WHERE centre_id = $1 AND (created_at > $2 OR (created_at = $2 AND id > $3)) ORDER BY created_at, id LIMIT $4"
	if query != want {
		t.Fatalf("query =\n%s\nwant\n%s", query, want)
	}
	wantArgs := []any{"C1", sqldb.Timestamp(at), "abc", 10}
	if !reflect.DeepEqual(args, wantArgs) {
		t.Fatalf("args = %v; want %v", args, wantArgs)
	}
	if got := sqldb.Timestamp(at); got.Location() != time.UTC || got.Nanosecond()%1000 != 0 {
		t.Fatalf("Timestamp = %v; want UTC to the microsecond", got)
	}
}

// Paging through rows with equal times on both engines returns every row
// once, in (time, id) order.
func TestKeysetSelectPagesEveryRowOnce(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t)
			ctx := context.Background()
			if _, err := db.ExecContext(ctx, `CREATE TABLE rows_k (id TEXT PRIMARY KEY, grp TEXT NOT NULL, created_at TIMESTAMP NOT NULL)`); err != nil {
				t.Fatal(err)
			}
			base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			for i := 0; i < 25; i++ {
				grp := "a"
				if i%5 == 0 {
					grp = "b"
				}
				// Three rows share each timestamp, so the id breaks ties.
				if _, err := db.ExecContext(ctx, `INSERT INTO rows_k (id, grp, created_at) VALUES ($1, $2, $3)`,
					fmt.Sprintf("id-%02d", i), grp, base.Add(time.Duration(i/3)*time.Second)); err != nil {
					t.Fatal(err)
				}
			}
			var seen []string
			var lastID string
			var lastAt time.Time
			for page := 0; ; page++ {
				var k sqldb.KeysetSelect
				k.Equal("grp", "a")
				if page > 0 {
					k.After("created_at", "id", lastAt, lastID)
				}
				query, args := k.Build("SELECT id, created_at FROM rows_k", "created_at", "id", 4)
				rows, err := db.QueryContext(ctx, query, args...)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for rows.Next() {
					if err := rows.Scan(&lastID, &lastAt); err != nil {
						t.Fatal(err)
					}
					seen = append(seen, lastID)
					n++
				}
				rows.Close()
				if n < 4 {
					break
				}
			}
			if len(seen) != 20 {
				t.Fatalf("paged %d rows of group a; want 20: %v", len(seen), seen)
			}
			for i := 1; i < len(seen); i++ {
				if seen[i] <= seen[i-1] {
					t.Fatalf("rows out of order or repeated: %v", seen)
				}
			}
		})
	}
}
