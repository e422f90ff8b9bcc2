package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"

	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// maxUpdateAttempts bounds how many times Update recomputes a change that
// lost the race against a concurrent one.
const maxUpdateAttempts = 5

// SessionRepository implements session.Repository over sqldb. Bound to a
// transaction (NewSessionRepositoryTx) it works inside it and does not
// retry: the owner of the transaction does.
type SessionRepository struct {
	db     *sqldb.DB
	tx     *sqldb.Tx
	outbox *outbox.Outbox
}

var _ session.Repository = (*SessionRepository)(nil)

// NewSessionRepository returns a repository on db (migrated with Migrate
// and outbox.Migrate) that writes events to ob.
func NewSessionRepository(db *sqldb.DB, ob *outbox.Outbox) *SessionRepository {
	return &SessionRepository{db: db, outbox: ob}
}

// NewSessionRepositoryTx returns a repository working inside tx, for event
// consumers whose inbox record must commit with the change.
func NewSessionRepositoryTx(tx *sqldb.Tx, ob *outbox.Outbox) *SessionRepository {
	return &SessionRepository{tx: tx, outbox: ob}
}

func (r *SessionRepository) inTx(ctx context.Context, fn func(tx *sqldb.Tx) error) error {
	if r.tx != nil {
		return fn(r.tx)
	}
	return r.db.InTx(ctx, fn)
}

func (r *SessionRepository) q() querier {
	if r.tx != nil {
		return r.tx
	}
	return r.db
}

// Create implements session.Repository. A previous request of the same
// caller with the same request id is replayed (same hash) or refused.
// Two racing creates with one request id both pass the check; the unique
// index stops the second, which runs once more and answers as a retry.
func (r *SessionRepository) Create(ctx context.Context, s *session.Session) (*session.Session, error) {
	events, err := outboxEvents(s.PullEvents())
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		stored, err := r.create(ctx, s, events)
		if attempt == 0 && r.tx == nil && sqldb.IsUniqueViolation(err) {
			continue
		}
		return stored, err
	}
}

func (r *SessionRepository) create(ctx context.Context, s *session.Session, events []outbox.Event) (*session.Session, error) {
	var stored *session.Session
	err := r.inTx(ctx, func(tx *sqldb.Tx) error {
		key := s.Request()
		if key.RequestID != "" {
			var id, hash string
			err := tx.QueryRowContext(ctx, `SELECT id, request_hash FROM sessions WHERE created_by = $1 AND request_id = $2`,
				key.CreatedBy, key.RequestID).Scan(&id, &hash)
			switch {
			case err == nil && hash != key.RequestHash:
				return session.ErrRequestIDReused
			case err == nil:
				prev, err := load(ctx, tx, id)
				stored = prev
				return err
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("sqlstore: find request: %w", err)
			}
		}
		img, err := imageOf(s)
		if err != nil {
			return fmt.Errorf("sqlstore: encode session %s: %w", s.ID(), err)
		}
		if err := insertSession(ctx, tx, img.session); err != nil {
			return err
		}
		if err := writeParts(ctx, tx, image{}, img); err != nil {
			return err
		}
		if err := r.outbox.Write(ctx, tx, events...); err != nil {
			return err
		}
		stored = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}

// Get implements session.Repository.
func (r *SessionRepository) Get(ctx context.Context, id string) (*session.Session, error) {
	return load(ctx, r.q(), id)
}

// Update implements session.Repository. The save is conditional on the
// version read (optimistic locking, since SQLite has no SELECT ... FOR
// UPDATE); when another change committed in between, nothing is written
// and the whole load-apply-save runs again on the new state, up to
// maxUpdateAttempts times. Errors of fn, including a stale etag the
// client sent, are returned as they are.
func (r *SessionRepository) Update(ctx context.Context, id string, fn func(s *session.Session) error) (*session.Session, error) {
	for attempt := 1; ; attempt++ {
		var updated *session.Session
		err := r.inTx(ctx, func(tx *sqldb.Tx) error {
			s, err := r.update(ctx, tx, id, fn)
			updated = s
			return err
		})
		if errors.Is(err, session.ErrConcurrentUpdate) && r.tx == nil && attempt < maxUpdateAttempts {
			continue
		}
		if err != nil {
			return nil, err
		}
		return updated, nil
	}
}

func (r *SessionRepository) update(ctx context.Context, tx *sqldb.Tx, id string, fn func(s *session.Session) error) (*session.Session, error) {
	if err := guardSession(ctx, tx, id, false); err != nil {
		return nil, err
	}
	s, err := loadLocked(ctx, tx, id, lockWhole)
	if err != nil {
		return nil, err
	}
	before, err := imageOf(s)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: encode session %s: %w", id, err)
	}
	if err := fn(s); err != nil {
		return nil, err
	}
	if err := r.save(ctx, tx, s, before); err != nil {
		return nil, err
	}
	return s, nil
}

// save writes what changed in s since it was loaded as before, with the
// events it recorded, unless it did not change.
func (r *SessionRepository) save(ctx context.Context, tx *sqldb.Tx, s *session.Session, before image) error {
	id := s.ID()
	events := s.PullEvents()
	after, err := imageOf(s)
	if err != nil {
		return fmt.Errorf("sqlstore: encode session %s: %w", id, err)
	}
	if !maps.Equal(before.evaluations, after.evaluations) {
		// Evaluations have their own version and are stored by Score only:
		// saving one here would skip its version check (ADR 0006).
		return fmt.Errorf("sqlstore: session %s: evaluations are written with Score, not Update", id)
	}
	if s.Version() == before.session.version {
		if len(events) > 0 {
			return fmt.Errorf("sqlstore: session %s recorded events without a change", id)
		}
		return nil
	}
	if err := saveSession(ctx, tx, after.session, before.session.version); err != nil {
		return err
	}
	if err := writeParts(ctx, tx, before, after); err != nil {
		return err
	}
	if err := writeMinutesVersions(ctx, tx, s, before.minutesVersion, events); err != nil {
		return err
	}
	rows, err := outboxEvents(events)
	if err != nil {
		return err
	}
	return r.outbox.Write(ctx, tx, rows...)
}

// WithCandidate implements session.Repository.
func (r *SessionRepository) WithCandidate(ctx context.Context, candidateID string) ([]string, error) {
	ids, err := queryRows(ctx, r.q(), `SELECT DISTINCT s.id FROM sessions s JOIN candidacies c ON c.session_id = s.id
		WHERE c.candidate_id = $1 AND s.state NOT IN ('CLOSED', 'CANCELLED') ORDER BY s.id`,
		func(sc scanner) (string, error) {
			var id string
			err := sc.Scan(&id)
			return id, err
		}, candidateID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: sessions of candidate %s: %w", candidateID, err)
	}
	return ids, nil
}
