package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// Candidacies implements refdata.Candidacies: the candidacy projection and
// the jurors recused from each candidacy.
type Candidacies struct{ q querier }

var _ refdata.Candidacies = (*Candidacies)(nil)

// NewCandidacies returns the candidacy projection over the pool of db.
func NewCandidacies(db *sqldb.DB) *Candidacies { return &Candidacies{q: db} }

// NewCandidaciesTx returns the candidacy projection inside tx.
func NewCandidaciesTx(tx *sqldb.Tx) *Candidacies { return &Candidacies{q: tx} }

const candidacyColumns = `id, session_id, candidate_id, ccp_codes`

// Get implements refdata.Candidacies.
func (r *Candidacies) Get(ctx context.Context, id string) (refdata.Candidacy, error) {
	return r.candidacy(ctx, `SELECT `+candidacyColumns+` FROM ref_candidacies WHERE id = $1`, id)
}

// OfCandidate implements refdata.Candidacies. The assessment service
// registers a candidate once per session; should two copies ever claim
// one, the oldest id answers, deterministically.
func (r *Candidacies) OfCandidate(ctx context.Context, sessionID, candidateID string) (refdata.Candidacy, error) {
	return r.candidacy(ctx, `SELECT `+candidacyColumns+` FROM ref_candidacies
		WHERE session_id = $1 AND candidate_id = $2 ORDER BY id LIMIT 1`, sessionID, candidateID)
}

func (r *Candidacies) candidacy(ctx context.Context, query string, args ...any) (refdata.Candidacy, error) {
	var (
		c     refdata.Candidacy
		codes string
	)
	err := r.q.QueryRowContext(ctx, query, args...).Scan(&c.ID, &c.SessionID, &c.CandidateID, &codes)
	if errors.Is(err, sql.ErrNoRows) {
		return refdata.Candidacy{}, refdata.ErrCandidacyNotFound
	}
	if err != nil {
		return refdata.Candidacy{}, fmt.Errorf("sqlstore: read candidacy: %w", err)
	}
	if err := json.Unmarshal([]byte(codes), &c.CCPCodes); err != nil {
		return refdata.Candidacy{}, fmt.Errorf("sqlstore: candidacy %s: %w", c.ID, err)
	}
	c.CCPCodes = emptyToNil(c.CCPCodes)
	return c, nil
}

// Insert implements refdata.Candidacies.
func (r *Candidacies) Insert(ctx context.Context, c refdata.Candidacy) (bool, error) {
	codes, err := encode(nonNil(c.CCPCodes))
	if err != nil {
		return false, fmt.Errorf("sqlstore: candidacy %s: %w", c.ID, err)
	}
	res, err := r.q.ExecContext(ctx, `INSERT INTO ref_candidacies (`+candidacyColumns+`)
		VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`, c.ID, c.SessionID, c.CandidateID, codes)
	return wrote(res, err, "candidacy "+c.ID)
}

// Recused implements refdata.Candidacies.
func (r *Candidacies) Recused(ctx context.Context, sessionID, candidateID, subject string) (bool, error) {
	found, err := r.recusedCandidates(ctx, subject, `SELECT candidate_id, jurors FROM ref_candidacy_recusals
		WHERE session_id = $1 AND candidate_id = $2`, sessionID, candidateID)
	return len(found) > 0, err
}

// RecusedCandidates implements refdata.Candidacies. A session has tens of
// candidacies: reading their recusals is small.
func (r *Candidacies) RecusedCandidates(ctx context.Context, sessionID, subject string) ([]string, error) {
	return r.recusedCandidates(ctx, subject, `SELECT candidate_id, jurors FROM ref_candidacy_recusals
		WHERE session_id = $1 ORDER BY candidate_id`, sessionID)
}

// recusedCandidates returns the candidate_id of the rows of query
// (candidate_id, jurors) whose jurors hold subject.
func (r *Candidacies) recusedCandidates(ctx context.Context, subject, query string, args ...any) ([]string, error) {
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read recusals: %w", err)
	}
	var out []string
	for rows.Next() {
		var candidateID, raw string
		if err := rows.Scan(&candidateID, &raw); err != nil {
			_ = rows.Close()
			return nil, fmt.Errorf("sqlstore: read recusals: %w", err)
		}
		var jurors []string
		if err := json.Unmarshal([]byte(raw), &jurors); err != nil {
			_ = rows.Close()
			return nil, fmt.Errorf("sqlstore: recusals of candidate %s: %w", candidateID, err)
		}
		if slices.Contains(jurors, subject) {
			out = append(out, candidateID)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("sqlstore: read recusals: %w", err)
	}
	return out, nil
}

// ApplyRecusals implements refdata.Candidacies. It keeps, per candidacy,
// the latest change: an older event arriving late never undoes a newer
// one.
func (r *Candidacies) ApplyRecusals(ctx context.Context, rc refdata.Recusals) (bool, error) {
	jurors, err := encode(nonNil(rc.Jurors))
	if err != nil {
		return false, fmt.Errorf("sqlstore: recusals of candidacy %s: %w", rc.CandidacyID, err)
	}
	res, err := r.q.ExecContext(ctx, `INSERT INTO ref_candidacy_recusals (candidacy_id, session_id, candidate_id, jurors, changed_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (candidacy_id) DO UPDATE SET jurors = excluded.jurors, changed_at = excluded.changed_at
		WHERE ref_candidacy_recusals.changed_at < excluded.changed_at`,
		rc.CandidacyID, rc.SessionID, rc.CandidateID, jurors, rc.At.UTC().Truncate(time.Microsecond))
	return wrote(res, err, "recusals of candidacy "+rc.CandidacyID)
}
