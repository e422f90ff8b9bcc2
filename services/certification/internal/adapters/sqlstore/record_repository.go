package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
)

// RecordRepository is the award.Repository over SQL: the CCPs each person
// holds, in the record_ccps table.
type RecordRepository struct {
	q querier
}

var _ award.Repository = (*RecordRepository)(nil)

// NewRecordRepository returns a repository over the pool of db.
func NewRecordRepository(db *sqldb.DB) *RecordRepository { return &RecordRepository{q: db} }

// HeldCcps implements award.Repository.
func (r *RecordRepository) HeldCcps(ctx context.Context, candidateID string) ([]award.HeldCcp, error) {
	return heldCcps(ctx, r.q, `WHERE candidate_id = $1`, candidateID)
}

// heldCcpsOf returns a person's CCPs of one title version.
func heldCcpsOf(ctx context.Context, q querier, candidateID, titleCode, titleVersion string) ([]award.HeldCcp, error) {
	return heldCcps(ctx, q, `WHERE candidate_id = $1 AND title_id = $2 AND title_version = $3`,
		candidateID, titleCode, titleVersion)
}

func heldCcps(ctx context.Context, q querier, where string, args ...any) ([]award.HeldCcp, error) {
	rows, err := q.QueryContext(ctx, `SELECT candidate_id, title_id, title_version, ccp_code, session_id, jury_date
		FROM record_ccps `+where+` ORDER BY title_id, title_version, ccp_code`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read record: %w", err)
	}
	defer rows.Close()
	var out []award.HeldCcp
	for rows.Next() {
		var h award.HeldCcp
		if err := rows.Scan(&h.CandidateID, &h.TitleCode, &h.TitleVersion, &h.CcpCode, &h.SessionID, &h.JuryDate); err != nil {
			return nil, fmt.Errorf("sqlstore: read record: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: read record: %w", err)
	}
	return out, nil
}

// hold adds a CCP to a record unless it is held already (R53: the first
// session stays), and reports whether it did.
func hold(ctx context.Context, tx *sqldb.Tx, h award.HeldCcp, at time.Time) (bool, error) {
	out, err := tx.ExecContext(ctx, `INSERT INTO record_ccps
		(candidate_id, title_id, title_version, ccp_code, session_id, jury_date, awarded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (candidate_id, title_id, title_version, ccp_code) DO NOTHING`,
		h.CandidateID, h.TitleCode, h.TitleVersion, h.CcpCode, h.SessionID, h.JuryDate, dbTime(at))
	if err != nil {
		return false, fmt.Errorf("sqlstore: hold %s %s: %w", h.CandidateID, h.CcpCode, err)
	}
	n, err := out.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: hold %s %s: %w", h.CandidateID, h.CcpCode, err)
	}
	return n == 1, nil
}
