package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/sanction"
	"github.com/titrepro/titrepro/services/candidate/internal/protoconv"
)

// SanctionRepository implements sanction.Repository over sqldb (R58).
type SanctionRepository struct {
	db     *sqldb.DB
	outbox *outbox.Outbox
	// tell, when set, writes the message that tells the person sanctioned,
	// in the sanction's transaction (Telling).
	tell func(ctx context.Context, st notice.Store, eventID string, s sanction.Sanction) error
	wake func()
	now  func() time.Time
}

var _ sanction.Repository = (*SanctionRepository)(nil)

// NewSanctionRepository returns a repository on db that writes events to ob.
func NewSanctionRepository(db *sqldb.DB, ob *outbox.Outbox) *SanctionRepository {
	return &SanctionRepository{db: db, outbox: ob}
}

// Telling returns a copy of r that, in the transaction that records each
// sanction, also calls tell with a notification store bound to it and the
// id of the sanction's SanctionPronounced event: the message that tells
// the person sanctioned (app/notify Notifier.SanctionPronounced) is written
// to the mail outbox if and only if the sanction is. wake (may be nil) runs
// after the commit when a message was made pending (the mail relay's
// wake-up); now is the clock of the mail outbox.
func (r *SanctionRepository) Telling(tell func(ctx context.Context, st notice.Store, eventID string, s sanction.Sanction) error,
	wake func(), now func() time.Time) *SanctionRepository {
	c := *r
	c.tell, c.wake, c.now = tell, wake, now
	return &c
}

// Create implements sanction.Repository: the row, SanctionPronounced and,
// when the repository is Telling, the message to the person commit
// together.
func (r *SanctionRepository) Create(ctx context.Context, s sanction.Sanction) error {
	id, err := outbox.NewID()
	if err != nil {
		return err
	}
	ev, err := outbox.NewEventWithID(id, protoconv.SanctionPronouncedToProto(s, id), EventSource,
		"candidates/"+s.CandidateID+"/sanctions/"+s.ID, s.At)
	if err != nil {
		return err
	}
	return r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sanctions (id, candidate_id, kind, duration_months, notified_on,
				ends_on, reference, motivation, session_id, pronounced_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			s.ID, s.CandidateID, string(s.Kind), s.DurationMonths, s.NotifiedOn.String(), s.EndsOn.String(),
			s.Reference, s.Motivation, s.SessionID, s.By, s.At.UTC()); err != nil {
			return fmt.Errorf("sqlstore: insert sanction %s: %w", s.ID, err)
		}
		if err := r.outbox.Write(ctx, tx, ev); err != nil {
			return err
		}
		if r.tell == nil {
			return nil
		}
		return r.tell(ctx, NewNoticeStore(tx, r.wake, r.now), id, s)
	})
}

// List implements sanction.Repository.
func (r *SanctionRepository) List(ctx context.Context, candidateID string) ([]sanction.Sanction, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT id, kind, duration_months, notified_on, ends_on, reference, motivation,
			session_id, pronounced_by, created_at
		FROM sanctions WHERE candidate_id = $1 ORDER BY created_at, id`, candidateID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: sanctions of %s: %w", candidateID, err)
	}
	defer rows.Close()
	var out []sanction.Sanction
	for rows.Next() {
		var (
			s              sanction.Sanction
			kind           string
			notified, ends string
			at             time.Time
		)
		if err := rows.Scan(&s.ID, &kind, &s.DurationMonths, &notified, &ends, &s.Reference, &s.Motivation,
			&s.SessionID, &s.By, &at); err != nil {
			return nil, fmt.Errorf("sqlstore: sanctions of %s: %w", candidateID, err)
		}
		s.CandidateID, s.Kind, s.At = candidateID, sanction.Kind(kind), at.UTC()
		if s.NotifiedOn, err = civildate.Parse(notified); err != nil {
			return nil, fmt.Errorf("sqlstore: sanction %s notified_on: %w", s.ID, err)
		}
		if ends != "" {
			if s.EndsOn, err = civildate.Parse(ends); err != nil {
				return nil, fmt.Errorf("sqlstore: sanction %s ends_on: %w", s.ID, err)
			}
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
