// Package outbox implements the transactional outbox: a state change and the
// events it causes commit in one database transaction, and a relay publishes
// the committed events to NATS JetStream afterwards. There is no dual write:
// an event exists iff its transaction committed, and it reaches the stream
// even if NATS was down at commit time.
//
// Delivery is at least once. Every event carries a stable id sent as
// Nats-Msg-Id, so JetStream drops re-publications inside the stream's
// duplicate window (a relay that crashed between publish and mark), and
// consumers de-duplicate the rest with their inbox (package eventbus).
package outbox

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/titrepro/titrepro/internal/sqldb"
)

//go:embed migrations
var migrations embed.FS

// Migrate creates or upgrades the outbox table in db. Its version table is
// "goose_outbox", so it shares a database with the service's own schema.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("outbox: migrate: %w", err)
	}
	return sqldb.Migrate(ctx, db, sub, "goose_outbox")
}

// Event is one event waiting in the outbox. Its fields become the CloudEvents
// headers of the NATS message (docs/architecture.md §3).
type Event struct {
	ID       string    // UUID (v7); becomes ce-id and Nats-Msg-Id
	Subject  string    // NATS subject titrepro.<context>.v1.<event_snake_case>
	Type     string    // full proto message name -> ce-type
	Source   string    // ce-source, e.g. "titrepro/candidate"
	Resource string    // ce-subject, the resource name, e.g. "candidates/01J..."
	Time     time.Time // ce-time; stored to the microsecond (PostgreSQL precision), in UTC
	Payload  []byte    // proto-encoded message
	// TraceParent and TraceState are the W3C trace context the event was
	// written in; Write fills them from the transaction when empty.
	TraceParent string
	TraceState  string
}

// NewEvent builds an event from a proto message: a fresh UUIDv7 id (time
// ordered, so ids of one service sort roughly by creation), the subject
// and type that follow from the message's name (eventbus.SubjectOf,
// eventbus.TypeOf) and its wire encoding as payload.
func NewEvent(msg proto.Message, source, resource string, now time.Time) (Event, error) {
	id, err := NewID()
	if err != nil {
		return Event{}, err
	}
	return NewEventWithID(id, msg, source, resource, now)
}

// validate rejects events that could not become a valid CloudEvent; a
// malformed row would otherwise block the relay forever, since it publishes
// strictly in order.
func (e Event) validate() error {
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"ID", e.ID}, {"Subject", e.Subject}, {"Type", e.Type}, {"Source", e.Source},
	} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("outbox: event %q: missing %v", e.ID, missing)
	}
	if e.Time.IsZero() {
		return fmt.Errorf("outbox: event %q: missing Time", e.ID)
	}
	return nil
}

// Outbox writes events into the outbox table and wakes the relay of this
// process when they commit. One Outbox per database; share it between the
// service's repositories and its Relay.
type Outbox struct {
	db *sqldb.DB
	// wake carries "something committed" from Write's AfterCommit hook to
	// the relay. Capacity 1 and a non-blocking send: a commit never waits
	// for the relay, and any number of commits while the relay is busy
	// collapse into one pending wake-up.
	wake chan struct{}
}

// New returns the outbox of db. Run Migrate first.
func New(db *sqldb.DB) *Outbox {
	return &Outbox{db: db, wake: make(chan struct{}, 1)}
}

// Write inserts events in the caller's transaction, so they commit or roll
// back with the state change that caused them, and wakes the relay once the
// transaction has committed.
func (o *Outbox) Write(ctx context.Context, tx *sqldb.Tx, events ...Event) error {
	if len(events) == 0 {
		return nil
	}
	now := time.Now().UTC()
	parent, state := traceOf(ctx, tx)
	for _, e := range events {
		if err := e.validate(); err != nil {
			return err
		}
		if e.TraceParent == "" {
			e.TraceParent, e.TraceState = parent, state
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO outbox
			(id, subject, type, source, resource, occurred_at, payload, trace_parent, trace_state, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			e.ID, e.Subject, e.Type, e.Source, e.Resource, e.Time.UTC().Truncate(time.Microsecond), e.Payload,
			e.TraceParent, e.TraceState, now)
		if err != nil {
			return fmt.Errorf("outbox: write event %s: %w", e.ID, err)
		}
	}
	tx.AfterCommit(o.notify)
	return nil
}

func (o *Outbox) notify() {
	select {
	case o.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// Lag describes the events not yet published, for metrics and readiness.
type Lag struct {
	Pending int64         // unpublished rows
	Oldest  time.Duration // age of the oldest unpublished row; 0 when none
}

// Lag reports how far the relay is behind. A growing Oldest means NATS is
// unreachable or no relay holds the lock.
func (o *Outbox) Lag(ctx context.Context) (Lag, error) {
	var lag Lag
	if err := o.db.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM outbox WHERE published_at IS NULL`).Scan(&lag.Pending); err != nil {
		return Lag{}, fmt.Errorf("outbox: lag: %w", err)
	}
	if lag.Pending == 0 {
		return lag, nil
	}
	// The column itself rather than MIN(created_at): SQLite drivers only
	// decode a column declared TIMESTAMP into a time, not an aggregate.
	var oldest time.Time
	err := o.db.QueryRowContext(ctx,
		`SELECT created_at FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT 1`).Scan(&oldest)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Lag{}, fmt.Errorf("outbox: lag: %w", err)
	}
	if err == nil {
		lag.Oldest = max(time.Since(oldest), 0)
	}
	return lag, nil
}
