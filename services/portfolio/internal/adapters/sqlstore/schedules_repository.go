package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// Schedules implements refdata.Schedules.
type Schedules struct{ q querier }

var _ refdata.Schedules = (*Schedules)(nil)

// NewSchedules returns the schedule projection over the pool of db.
func NewSchedules(db *sqldb.DB) *Schedules { return &Schedules{q: db} }

// NewSchedulesTx returns the schedule projection inside tx.
func NewSchedulesTx(tx *sqldb.Tx) *Schedules { return &Schedules{q: tx} }

// Get implements refdata.Schedules.
func (r *Schedules) Get(ctx context.Context, sessionID string) (refdata.Schedule, error) {
	s := refdata.Schedule{SessionID: sessionID}
	var cancelled int
	err := r.q.QueryRowContext(ctx, `SELECT start_date, end_date, dossier_deadline, cancelled, version
		FROM ref_session_schedules WHERE session_id = $1`, sessionID).Scan(&s.StartDate, &s.EndDate, &s.DossierDeadline, &cancelled, &s.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return refdata.Schedule{}, refdata.ErrSessionNotFound
	}
	if err != nil {
		return refdata.Schedule{}, fmt.Errorf("sqlstore: read schedule: %w", err)
	}
	s.Cancelled = cancelled == 1
	return s, nil
}

// Apply implements refdata.Schedules.
func (r *Schedules) Apply(ctx context.Context, s refdata.Schedule) (bool, error) {
	cancelled := 0
	if s.Cancelled {
		cancelled = 1
	}
	res, err := r.q.ExecContext(ctx, `INSERT INTO ref_session_schedules
			(session_id, start_date, end_date, dossier_deadline, cancelled, version)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (session_id) DO UPDATE SET start_date = excluded.start_date, end_date = excluded.end_date,
			dossier_deadline = CASE WHEN excluded.dossier_deadline = '' THEN ref_session_schedules.dossier_deadline
				ELSE excluded.dossier_deadline END,
			cancelled = excluded.cancelled, version = excluded.version
		WHERE ref_session_schedules.version < excluded.version`,
		s.SessionID, s.StartDate, s.EndDate, s.DossierDeadline, cancelled, s.Version)
	return wrote(res, err, "schedule of session "+s.SessionID)
}
