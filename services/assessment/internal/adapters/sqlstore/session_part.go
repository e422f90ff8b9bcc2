package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// GetPart implements session.Repository: the session row, its jury and
// signatures, the candidacies p names and the evaluations of p's
// candidacy, each read by primary key or index.
func (r *SessionRepository) GetPart(ctx context.Context, id string, p session.Part) (*session.Session, error) {
	row, err := loadRow(ctx, r.q(), id, lockNone)
	if err != nil {
		return nil, err
	}
	return loadParts(ctx, r.q(), row, &p)
}

// Score implements session.Repository. The transaction reads the part p
// (on PostgreSQL holding the session's guard shared, which a change of the
// session waits for, while other evaluation writes do not)
// and writes one evaluation row, conditional on the version fn started
// from: its own optimistic lock. Losing that race (another write of the
// same evaluation, or two first writes) runs everything again on fresh
// state, up to maxUpdateAttempts times; fn then usually answers with a
// stale etag (409).
func (r *SessionRepository) Score(ctx context.Context, id string, p session.Part, fn func(s *session.Session) (evaluation.Evaluation, error)) (evaluation.Evaluation, error) {
	for attempt := 1; ; attempt++ {
		var stored evaluation.Evaluation
		err := r.inTx(ctx, func(tx *sqldb.Tx) error {
			e, err := r.score(ctx, tx, id, p, fn)
			stored = e
			return err
		})
		if errors.Is(err, session.ErrConcurrentUpdate) && r.tx == nil && attempt < maxUpdateAttempts {
			continue
		}
		if err != nil {
			return evaluation.Evaluation{}, err
		}
		return stored, nil
	}
}

func (r *SessionRepository) score(ctx context.Context, tx *sqldb.Tx, id string, p session.Part, fn func(s *session.Session) (evaluation.Evaluation, error)) (evaluation.Evaluation, error) {
	if err := guardSession(ctx, tx, id, true); err != nil {
		return evaluation.Evaluation{}, err
	}
	row, err := loadRow(ctx, tx, id, lockNone)
	if err != nil {
		return evaluation.Evaluation{}, err
	}
	s, err := loadParts(ctx, tx, row, &p)
	if err != nil {
		return evaluation.Evaluation{}, err
	}
	e, err := fn(s)
	if err != nil {
		return evaluation.Evaluation{}, err
	}
	if len(s.PullEvents()) > 0 || s.Version() != row.version {
		return evaluation.Evaluation{}, fmt.Errorf("sqlstore: session %s: Score changed the session", id)
	}
	if e.CandidacyID != p.CandidacyID || e.Version < 1 {
		return evaluation.Evaluation{}, fmt.Errorf("sqlstore: session %s: Score returned evaluation %s/%s v%d, not a new version of one of candidacy %s",
			id, e.CandidacyID, e.JurorSubject, e.Version, p.CandidacyID)
	}
	items, err := itemsColumn(e.Items)
	if err != nil {
		return evaluation.Evaluation{}, fmt.Errorf("sqlstore: encode evaluation %s/%s: %w", e.CandidacyID, e.JurorSubject, err)
	}
	if err := storeEvaluation(ctx, tx, id, evaluationRow{
		candidacyID: e.CandidacyID, juror: e.JurorSubject, items: items, version: e.Version, updatedAt: dbTime(e.UpdatedAt),
	}); err != nil {
		return evaluation.Evaluation{}, err
	}
	return e, nil
}

// storeEvaluation writes version e.version of an evaluation, provided the
// stored one is the version before (none for version 1); otherwise another
// write committed first and nothing is written.
func storeEvaluation(ctx context.Context, tx *sqldb.Tx, sessionID string, e evaluationRow) error {
	query, args := "", []any{e.candidacyID, e.juror, sessionID, e.items, e.version, e.updatedAt}
	if e.version == 1 {
		query = `INSERT INTO evaluations (candidacy_id, juror_subject, session_id, items, version, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (candidacy_id, juror_subject) DO NOTHING`
	} else {
		query = `UPDATE evaluations SET items = $4, version = $5, updated_at = $6
			WHERE candidacy_id = $1 AND juror_subject = $2 AND session_id = $3 AND version = $7`
		args = append(args, e.version-1)
	}
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sqlstore: write evaluation %s/%s: %w", e.candidacyID, e.juror, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: write evaluation %s/%s: %w", e.candidacyID, e.juror, err)
	}
	if n == 0 {
		return session.ErrConcurrentUpdate
	}
	return nil
}
