package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
)

// HolderRepository is the holder.Repository over SQL. Built on the pool it
// serves reads; built on a transaction it joins the caller's transaction,
// which is how the event consumer writes the projection together with its
// inbox row.
type HolderRepository struct {
	q querier
}

var _ holder.Repository = (*HolderRepository)(nil)

// NewHolderRepository returns a repository over the pool of db.
func NewHolderRepository(db *sqldb.DB) *HolderRepository {
	return &HolderRepository{q: db}
}

// NewHolderRepositoryTx returns a repository whose reads and writes are
// part of tx.
func NewHolderRepositoryTx(tx *sqldb.Tx) *HolderRepository {
	return &HolderRepository{q: tx}
}

// Get implements holder.Repository.
func (r *HolderRepository) Get(ctx context.Context, candidateID string) (holder.Holder, error) {
	var (
		h          holder.Holder
		givenNames string
		updatedAt  time.Time
	)
	err := r.q.QueryRowContext(ctx, `SELECT candidate_id, subject, birth_name, usage_name, given_names,
		birth_date, birth_commune, birth_country_code, source_version, updated_at, sex, birth_insee_code
		FROM holders WHERE candidate_id = $1`, candidateID).Scan(
		&h.CandidateID, &h.Subject, &h.BirthName, &h.UsageName, &givenNames,
		&h.BirthDate, &h.BirthCommune, &h.BirthCountryCode, &h.SourceVersion, &updatedAt,
		&h.Sex, &h.BirthInseeCode)
	if errors.Is(err, sql.ErrNoRows) {
		return holder.Holder{}, holder.ErrNotFound
	}
	if err != nil {
		return holder.Holder{}, fmt.Errorf("sqlstore: read holder: %w", err)
	}
	if err := json.Unmarshal([]byte(givenNames), &h.GivenNames); err != nil {
		return holder.Holder{}, fmt.Errorf("sqlstore: holder %s: given_names: %w", candidateID, err)
	}
	h.UpdatedAt = updatedAt.UTC()
	return h, nil
}

// Upsert implements holder.Repository. The WHERE of the update is the
// apply-if-newer rule again, inside the write: whatever the caller read,
// an older version never replaces a newer one.
func (r *HolderRepository) Upsert(ctx context.Context, h holder.Holder) (bool, error) {
	givenNames, err := json.Marshal(nonNil(h.GivenNames))
	if err != nil {
		return false, fmt.Errorf("sqlstore: holder %s: given_names: %w", h.CandidateID, err)
	}
	res, err := r.q.ExecContext(ctx, `INSERT INTO holders (candidate_id, subject, birth_name, usage_name,
		given_names, birth_date, birth_commune, birth_country_code, source_version, updated_at,
		sex, birth_insee_code)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (candidate_id) DO UPDATE SET
			subject = excluded.subject,
			birth_name = excluded.birth_name,
			usage_name = excluded.usage_name,
			given_names = excluded.given_names,
			birth_date = excluded.birth_date,
			birth_commune = excluded.birth_commune,
			birth_country_code = excluded.birth_country_code,
			source_version = excluded.source_version,
			updated_at = excluded.updated_at,
			sex = excluded.sex,
			birth_insee_code = excluded.birth_insee_code
		WHERE holders.source_version < excluded.source_version`,
		h.CandidateID, h.Subject, h.BirthName, h.UsageName, string(givenNames),
		h.BirthDate, h.BirthCommune, h.BirthCountryCode, h.SourceVersion, dbTime(h.UpdatedAt),
		h.Sex, h.BirthInseeCode)
	if err != nil {
		return false, fmt.Errorf("sqlstore: upsert holder %s: %w", h.CandidateID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: upsert holder %s: %w", h.CandidateID, err)
	}
	return n == 1, nil
}

// nonNil stores "no given name" as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CandidateIDsOfSubject implements holder.Repository. An empty subject
// belongs to nobody: identities projected without one are never matched.
func (r *HolderRepository) CandidateIDsOfSubject(ctx context.Context, subject string) ([]string, error) {
	if subject == "" {
		return nil, nil
	}
	rows, err := r.q.QueryContext(ctx, `SELECT candidate_id FROM holders WHERE subject = $1 ORDER BY candidate_id`, subject)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: holders of subject: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlstore: holders of subject: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: holders of subject: %w", err)
	}
	return ids, nil
}

// lockHolder takes the write lock of a person's holder row for the rest of
// tx and reports whether the row exists. A no-op UPDATE rather than
// SELECT ... FOR UPDATE, which SQLite lacks: on PostgreSQL it takes the
// row lock, on SQLite the transaction already holds the database's write
// lock (BEGIN IMMEDIATE).
func lockHolder(ctx context.Context, tx *sqldb.Tx, candidateID string) (bool, error) {
	out, err := tx.ExecContext(ctx, `UPDATE holders SET source_version = source_version WHERE candidate_id = $1`, candidateID)
	if err != nil {
		return false, fmt.Errorf("sqlstore: lock holder %s: %w", candidateID, err)
	}
	n, err := out.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: lock holder %s: %w", candidateID, err)
	}
	return n == 1, nil
}
