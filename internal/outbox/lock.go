package outbox

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"
)

// relayLockKey is the advisory lock key of the relay of the outbox table in
// the current schema. The schema is part of the key so that services (and
// parallel test schemas) sharing one PostgreSQL database each get their own
// relay; the fixed prefix keeps it apart from other advisory locks.
const relayLockKey = `hashtextextended('titrepro.outbox.relay:' || current_schema(), 0)`

// session is where the relay runs its statements. On PostgreSQL it is a
// dedicated connection holding a session-level advisory lock, so that only
// one relay per outbox table publishes: several publishers would interleave
// and break the order. On SQLite it is the pool: the embedded topology runs
// one process, hence one relay, per database file.
type session struct {
	db   *sqldb.DB
	conn *sql.Conn // PostgreSQL: holds the lock; nil when not held
}

// acquire returns the querier to use, or ok=false when another relay holds
// the lock and this one must stand by.
func (s *session) acquire(ctx context.Context) (q querier, ok bool, err error) {
	if s.db.Dialect != sqldb.DialectPostgres {
		return s.db, true, nil // its writes take their turn with the others (sqldb.DB.writers)
	}
	if s.conn != nil {
		return s.conn, true, nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("outbox: relay lock: %w", err)
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(`+relayLockKey+`)`).Scan(&got); err != nil {
		discard(conn)
		return nil, false, fmt.Errorf("outbox: relay lock: %w", err)
	}
	if !got {
		if err := conn.Close(); err != nil {
			return nil, false, fmt.Errorf("outbox: relay lock: %w", err)
		}
		return nil, false, nil
	}
	s.conn = conn
	return conn, true, nil
}

// reset forgets the connection after a database error: the session may be
// gone, and with it the lock. Dropping the connection ends the session for
// sure, so the lock is either released or never was held, and the next round
// competes for it again.
func (s *session) reset() {
	if s.conn != nil {
		discard(s.conn)
		s.conn = nil
	}
}

// release unlocks and returns the connection at the end of Run, even when
// the Run context is already cancelled.
func (s *session) release() error {
	if s.conn == nil {
		return nil
	}
	conn := s.conn
	s.conn = nil
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock(`+relayLockKey+`)`); err != nil {
		discard(conn)
		return fmt.Errorf("outbox: relay unlock: %w", err)
	}
	return conn.Close()
}

// discard closes conn's underlying session instead of returning it to the
// pool, which releases any advisory lock it held. Returning ErrBadConn from
// Raw is how database/sql is told to throw a connection away; the Close that
// follows only reports that the connection is already gone.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}
