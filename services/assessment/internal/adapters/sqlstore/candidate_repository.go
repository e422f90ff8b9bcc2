package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
)

// CandidateRepository implements candidate.Repository: the projection of
// the candidates.
type CandidateRepository struct {
	q querier
}

var _ candidate.Repository = (*CandidateRepository)(nil)

// NewCandidateRepository returns the projection on q (a *sqldb.DB, or the
// *sqldb.Tx of the consumer that records the event).
func NewCandidateRepository(q querier) *CandidateRepository {
	return &CandidateRepository{q: q}
}

// Get implements candidate.Repository.
func (r *CandidateRepository) Get(ctx context.Context, id string) (candidate.Candidate, error) {
	var c candidate.Candidate
	var names, route, trainingCCPs string
	err := r.q.QueryRowContext(ctx, `SELECT id, subject, birth_name, usage_name, given_names, access_route,
			training_organisation, vae_decision_date, centre_id, source_version,
			training_title_id, training_ccp_codes, training_start FROM candidates WHERE id = $1`, id).
		Scan(&c.ID, &c.Subject, &c.BirthName, &c.UsageName, &names, &route, &c.TrainingOrganisation, &c.VAEDecisionDate,
			&c.CentreID, &c.Version, &c.TrainingTitleID, &trainingCCPs, &c.TrainingStart)
	if errors.Is(err, sql.ErrNoRows) {
		return candidate.Candidate{}, candidate.ErrUnknown.WithMeta("candidate", id)
	}
	if err != nil {
		return candidate.Candidate{}, fmt.Errorf("sqlstore: get candidate %s: %w", id, err)
	}
	if err := json.Unmarshal([]byte(names), &c.GivenNames); err != nil {
		return candidate.Candidate{}, fmt.Errorf("sqlstore: decode candidate %s: %w", id, err)
	}
	if c.TrainingCCPs, err = strsOf(trainingCCPs); err != nil {
		return candidate.Candidate{}, fmt.Errorf("sqlstore: decode candidate %s: training_ccp_codes: %w", id, err)
	}
	c.AccessRoute = candidate.AccessRoute(route)
	if c.Bans, err = r.bansOf(ctx, id); err != nil {
		return candidate.Candidate{}, err
	}
	return c, nil
}

// Apply implements candidate.Repository: one upsert whose update applies
// only to an older version, so that a redelivered or late event never
// overwrites a newer one, even when two consumers race.
func (r *CandidateRepository) Apply(ctx context.Context, c candidate.Candidate) (bool, error) {
	names, err := strs(c.GivenNames)
	if err != nil {
		return false, fmt.Errorf("sqlstore: encode candidate %s: %w", c.ID, err)
	}
	trainingCCPs, err := strs(c.TrainingCCPs)
	if err != nil {
		return false, fmt.Errorf("sqlstore: encode candidate %s: %w", c.ID, err)
	}
	res, err := r.q.ExecContext(ctx, `INSERT INTO candidates (id, subject, birth_name, usage_name, given_names,
			access_route, training_organisation, vae_decision_date, centre_id, source_version,
			training_title_id, training_ccp_codes, training_start)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (id) DO UPDATE SET subject = excluded.subject, birth_name = excluded.birth_name,
			usage_name = excluded.usage_name, given_names = excluded.given_names, access_route = excluded.access_route,
			training_organisation = excluded.training_organisation, vae_decision_date = excluded.vae_decision_date,
			centre_id = excluded.centre_id, source_version = excluded.source_version,
			training_title_id = excluded.training_title_id, training_ccp_codes = excluded.training_ccp_codes,
			training_start = excluded.training_start
		WHERE candidates.source_version < excluded.source_version`,
		c.ID, c.Subject, c.BirthName, c.UsageName, names, string(c.AccessRoute), c.TrainingOrganisation, c.VAEDecisionDate, c.CentreID, c.Version,
		c.TrainingTitleID, trainingCCPs, c.TrainingStart)
	if err != nil {
		return false, fmt.Errorf("sqlstore: apply candidate %s: %w", c.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: apply candidate %s: %w", c.ID, err)
	}
	return n == 1, nil
}

var _ candidate.BanRepository = (*CandidateRepository)(nil)

// SaveBan implements candidate.BanRepository (R58): a ban is written once,
// a redelivered event changes nothing.
func (r *CandidateRepository) SaveBan(ctx context.Context, b candidate.Ban) (bool, error) {
	res, err := r.q.ExecContext(ctx, `INSERT INTO candidate_bans (sanction_id, candidate_id, banned_from, banned_until)
		VALUES ($1, $2, $3, $4) ON CONFLICT (sanction_id) DO NOTHING`, b.SanctionID, b.CandidateID, b.From.String(), b.Until.String())
	if err != nil {
		return false, fmt.Errorf("sqlstore: save ban %s: %w", b.SanctionID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: save ban %s: %w", b.SanctionID, err)
	}
	return n == 1, nil
}

// bansOf reads the bans of candidate id.
func (r *CandidateRepository) bansOf(ctx context.Context, id string) ([]candidate.Ban, error) {
	rows, err := queryRows(ctx, r.q, `SELECT sanction_id, banned_from, banned_until FROM candidate_bans
		WHERE candidate_id = $1 ORDER BY banned_from, sanction_id`,
		func(sc scanner) ([3]string, error) {
			var v [3]string
			err := sc.Scan(&v[0], &v[1], &v[2])
			return v, err
		}, id)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: bans of candidate %s: %w", id, err)
	}
	var out []candidate.Ban
	for _, v := range rows {
		from, errFrom := civildate.Parse(v[1])
		until, errUntil := civildate.Parse(v[2])
		if err := errors.Join(errFrom, errUntil); err != nil {
			return nil, fmt.Errorf("sqlstore: ban %s: %w", v[0], err)
		}
		out = append(out, candidate.Ban{SanctionID: v[0], CandidateID: id, From: from, Until: until})
	}
	return out, nil
}
