package sqldb_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// A PostgreSQL pool keeps the connections a burst opened, so the next
// burst reuses them (and their prepared statements) instead of starting a
// server process per query, and it is bounded.
func TestPostgresPoolKeepsItsConnectionsAndIsBounded(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		// Opened as a service opens its database: dbtest.Engine.Open sets
		// a smaller pool of its own for tests.
		ctx := context.Background()
		db, err := sqldb.Open(ctx, e.URL(t))
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, db.Close()) })
		const burst = 6
		var wg sync.WaitGroup
		ready := make(chan struct{})
		for range burst {
			wg.Go(func() {
				<-ready
				_, err := db.ExecContext(ctx, `SELECT pg_sleep(0.1)`)
				require.NoError(t, err)
			})
		}
		close(ready)
		wg.Wait()
		st := db.Stats()
		require.Equal(t, burst, st.Idle, "every connection of the burst is kept (database/sql keeps 2 by default)")
		require.Zero(t, st.MaxIdleClosed, "none was closed for want of an idle slot")
		require.Equal(t, 16, st.MaxOpenConnections, "the pool is bounded")
	}
}
