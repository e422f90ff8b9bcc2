package outbox

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// postgresEnv returns an env on PostgreSQL, or skips when none is available
// (dbtest.Engines already reports that loudly, and fails in CI).
func postgresEnv(t *testing.T) env {
	t.Helper()
	for _, e := range dbtest.Engines(t) {
		if e.Name == dbtest.Postgres {
			return newEnv(t, e)
		}
	}
	t.Skip("PostgreSQL not available")
	return env{}
}

// TestPostgresOutOfOrderCommit is R6 of the reliability doc: transaction A
// inserts first and stays open, B inserts after it and commits, then A
// commits. B must not be published ahead of A (A's event would then follow
// B's), and neither may be skipped.
func TestPostgresOutOfOrderCommit(t *testing.T) {
	t.Parallel()
	e := postgresEnv(t)
	ctx := t.Context()
	e.runRelay(t, RelayOptions{PollInterval: 50 * time.Millisecond})

	evA, evB := event(t, "A"), event(t, "B")
	inserted := make(chan struct{})
	release := make(chan struct{})
	doneA := make(chan error, 1)
	go func() {
		doneA <- e.db.InTx(ctx, func(tx *sqldb.Tx) error {
			if err := e.ob.Write(ctx, tx, evA); err != nil {
				return err
			}
			close(inserted)
			<-release
			return nil
		})
	}()
	<-inserted
	e.commit(t, evB)

	require.Never(t, func() bool { return e.streamCount(t) > 0 }, 500*time.Millisecond, tick,
		"B was published while A, an older transaction, was still open")
	close(release)
	require.NoError(t, <-doneA)
	e.waitPublished(t, 2)

	require.Equal(t, []string{evA.ID, evB.ID}, e.streamIDs(t))
	var seqA, seqB int64
	require.NoError(t, e.db.QueryRowContext(ctx, `SELECT seq FROM outbox WHERE id = $1`, evA.ID).Scan(&seqA))
	require.NoError(t, e.db.QueryRowContext(ctx, `SELECT seq FROM outbox WHERE id = $1`, evB.ID).Scan(&seqB))
	require.Less(t, seqA, seqB, "A took the lower seq but committed last")
}

// TestPostgresSingleRelay: with two relays on one database only the lock
// holder publishes, order holds, and the standby takes over when the holder
// stops.
func TestPostgresSingleRelay(t *testing.T) {
	t.Parallel()
	e := postgresEnv(t)
	stopFirst := e.runRelay(t, RelayOptions{PollInterval: 50 * time.Millisecond})
	first := e.commitN(t, 1)
	e.waitPublished(t, 1) // the first relay holds the lock now

	// A second process: its own Outbox (no shared wake channel) and relay.
	second := env{db: e.db, ob: New(e.db), srv: e.srv, js: e.js, stream: e.stream}
	second.runRelay(t, RelayOptions{PollInterval: 50 * time.Millisecond})
	more := e.commitN(t, 20)
	e.waitPublished(t, 21)

	var locks int
	require.NoError(t, e.db.QueryRowContext(context.Background(),
		`SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
		   AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = `+relayLockKey).Scan(&locks))
	require.Equal(t, 1, locks, "exactly one relay holds the lock")

	require.NoError(t, stopFirst())
	last := second.commitN(t, 5)
	e.waitPublished(t, 26)
	require.Equal(t, append(append(first, more...), last...), e.streamIDs(t))
}
