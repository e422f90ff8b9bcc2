package outbox

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"
)

// querier is what the relay needs from a *sql.DB or a *sql.Conn. On
// PostgreSQL the relay runs every statement on the connection that holds its
// advisory lock: if that session dies, the statements fail too, so the relay
// can never keep publishing after silently losing the lock.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// row is an unpublished outbox row.
type row struct {
	seq int64
	Event
}

const selectColumns = `SELECT seq, id, subject, type, source, resource, occurred_at, payload, trace_parent, trace_state FROM outbox`

// fetchSQLite reads in seq order: SQLite has one writer at a time and
// AUTOINCREMENT never reuses ids, so seq order is commit order.
const fetchSQLite = selectColumns + `
	WHERE published_at IS NULL
	ORDER BY seq
	LIMIT $1`

// fetchPostgres reads only rows of transactions older than every transaction
// still running, in (tx_id, seq) order. A row of a transaction still in
// flight is not visible yet; because everything at or above the snapshot's
// xmin waits, rows committed after it by younger transactions are not
// published ahead of it either, and no row is ever skipped. The statement
// runs in autocommit, so pg_current_snapshot() is the snapshot that decides
// which rows it sees.
const fetchPostgres = selectColumns + `
	WHERE published_at IS NULL
	  AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
	ORDER BY tx_id, seq
	LIMIT $1`

func fetch(ctx context.Context, q querier, d sqldb.Dialect, limit int) ([]row, error) {
	query := fetchSQLite
	if d == sqldb.DialectPostgres {
		query = fetchPostgres
	}
	rows, err := q.QueryContext(ctx, query, limit)
	if err != nil {
		return nil, fmt.Errorf("outbox: fetch: %w", err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.seq, &r.ID, &r.Subject, &r.Type, &r.Source, &r.Resource,
			&r.Time, &r.Payload, &r.TraceParent, &r.TraceState); err != nil {
			return nil, fmt.Errorf("outbox: fetch: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox: fetch: %w", err)
	}
	return out, nil
}

// markPublished records that rows were acknowledged by JetStream, in one
// statement per batch.
func markPublished(ctx context.Context, q querier, rows []row, at time.Time) error {
	if len(rows) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("UPDATE outbox SET published_at = $1 WHERE seq IN (")
	args := make([]any, 0, len(rows)+1)
	args = append(args, at.UTC())
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i+2))
		args = append(args, r.seq)
	}
	b.WriteString(")")
	if _, err := q.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("outbox: mark published: %w", err)
	}
	return nil
}

// hasUnpublished reports whether any row is still unpublished, eligible or
// not.
func hasUnpublished(ctx context.Context, q querier) (bool, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT 1) AS p`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("outbox: pending: %w", err)
	}
	return n > 0, nil
}
