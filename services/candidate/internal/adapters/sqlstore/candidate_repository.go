package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

// CandidateRepository implements candidate.Repository over sqldb.
type CandidateRepository struct {
	db     *sqldb.DB
	outbox *outbox.Outbox
}

var _ candidate.Repository = (*CandidateRepository)(nil)

// NewCandidateRepository returns a repository on db (migrated with Migrate
// and outbox.Migrate) that writes events to ob.
func NewCandidateRepository(db *sqldb.DB, ob *outbox.Outbox) *CandidateRepository {
	return &CandidateRepository{db: db, outbox: ob}
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Create implements candidate.Repository. It checks, in this order: a
// previous request of the same caller with the same request id (replayed or
// refused), then a record already bound to the subject, then inserts.
//
// Two racing creates can both pass the checks; the unique indexes stop the
// second insert, and the whole create runs once more so that its checks see
// the winner and answer as for a retry.
func (r *CandidateRepository) Create(ctx context.Context, c *candidate.Candidate, key candidate.CreateKey) (*candidate.Candidate, error) {
	// Pull the events once: the transaction below may run more than once.
	events, err := outboxEvents(c.PullEvents())
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		stored, err := r.create(ctx, c, key, events)
		// A concurrent request with the same key can commit between our
		// look-up of the key and our check of the subject (each statement
		// sees the latest commits): one more try finds it by its key.
		raced := sqldb.IsUniqueViolation(err) || (key.RequestID != "" && errors.Is(err, candidate.ErrAlreadyRegistered))
		if attempt == 0 && raced {
			continue
		}
		if sqldb.IsUniqueViolation(err) {
			return nil, candidate.ErrAlreadyRegistered.WithCause(err)
		}
		return stored, err
	}
}

func (r *CandidateRepository) create(ctx context.Context, c *candidate.Candidate, key candidate.CreateKey, events []outbox.Event) (*candidate.Candidate, error) {
	var stored *candidate.Candidate
	err := r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if key.RequestID != "" {
			prev, hash, err := r.byRequest(ctx, tx, key)
			if err != nil {
				return err
			}
			if prev != nil {
				if hash != key.RequestHash {
					return candidate.ErrRequestIDReused
				}
				stored = prev
				return nil
			}
		}
		if c.Subject() != "" {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM candidates WHERE subject = $1`, c.Subject()).Scan(&one)
			if err == nil {
				return candidate.ErrAlreadyRegistered
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("sqlstore: check subject: %w", err)
			}
		}
		if err := insert(ctx, tx, c, key); err != nil {
			return err
		}
		if err := r.outbox.Write(ctx, tx, events...); err != nil {
			return err
		}
		stored = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}

// byRequest returns the candidate created by an earlier request with key's
// caller and request id, and that request's hash; nil when there is none.
func (r *CandidateRepository) byRequest(ctx context.Context, tx *sqldb.Tx, key candidate.CreateKey) (*candidate.Candidate, string, error) {
	var hash string
	var id string
	err := tx.QueryRowContext(ctx, `SELECT id, request_hash FROM candidates WHERE created_by = $1 AND request_id = $2`,
		key.CreatedBy, key.RequestID).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("sqlstore: find request: %w", err)
	}
	c, err := get(ctx, tx, id)
	return c, hash, err
}

func insert(ctx context.Context, tx *sqldb.Tx, c *candidate.Candidate, key candidate.CreateKey) error {
	d := c.Details()
	cols, err := columnsOf(d)
	if err != nil {
		return fmt.Errorf("sqlstore: encode candidate %s: %w", c.ID(), err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO candidates (
			id, subject, centre_id, birth_name, usage_name, given_names, birth_date, birth_commune,
			birth_country_code, email, phone, postal_address, access_route, training, vae_admissibility,
			version, created_by, request_id, request_hash, created_at, updated_at, sex, birth_insee_code,
			france_vae_candidature_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
			$22, $23, $24)`,
		c.ID(), d.Subject, c.CentreID(), d.BirthName, d.UsageName, cols.givenNames, d.BirthDate, d.BirthPlace.Commune,
		d.BirthPlace.CountryCode, d.Email, d.Phone, cols.postalAddress, string(d.AccessRoute), cols.training, cols.admissibility,
		c.Version(), key.CreatedBy, key.RequestID, key.RequestHash, c.CreatedAt(), c.UpdatedAt(),
		d.Sex, d.BirthPlace.InseeCode, d.FranceVaeCandidatureID)
	if err != nil {
		return fmt.Errorf("sqlstore: insert candidate %s: %w", c.ID(), err)
	}
	return nil
}

// Get implements candidate.Repository.
func (r *CandidateRepository) Get(ctx context.Context, id string) (*candidate.Candidate, error) {
	return get(ctx, r.db, id)
}

func get(ctx context.Context, q querier, id string) (*candidate.Candidate, error) {
	c, err := scanCandidate(q.QueryRowContext(ctx, `SELECT `+candidateColumns+` FROM candidates WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, candidate.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: get candidate %s: %w", id, err)
	}
	return c, nil
}

// List implements candidate.Repository with keyset paging on
// (created_at, id): rows inserted while a client pages never shift the
// pages already read, so nothing is seen twice.
func (r *CandidateRepository) List(ctx context.Context, q candidate.ListQuery) ([]*candidate.Candidate, error) {
	var k sqldb.KeysetSelect
	k.Equal("centre_id", q.CentreID)
	k.Equal("subject", q.Subject)
	if q.After != nil {
		k.After("created_at", "id", q.After.CreatedAt, q.After.ID)
	}
	query, args := k.Build(`SELECT `+candidateColumns+` FROM candidates`, "created_at", "id", q.Limit)

	rows, err := r.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list candidates: %w", err)
	}
	defer rows.Close()
	var out []*candidate.Candidate
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: list candidates: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list candidates: %w", err)
	}
	return out, nil
}

// Update implements candidate.Repository. The save is conditional on the
// version read (optimistic locking, since SQLite has no SELECT ... FOR
// UPDATE): if another change committed in between, nothing is written and
// the caller gets ErrVersionConflict.
func (r *CandidateRepository) Update(ctx context.Context, id string, fn func(c *candidate.Candidate) error) (*candidate.Candidate, error) {
	var updated *candidate.Candidate
	err := r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		c, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		readVersion := c.Version()
		if err := fn(c); err != nil {
			return err
		}
		events := c.PullEvents()
		if len(events) == 0 { // nothing changed
			updated = c
			return nil
		}
		if err := save(ctx, tx, c, readVersion); err != nil {
			return err
		}
		rows, err := outboxEvents(events)
		if err != nil {
			return err
		}
		if err := r.outbox.Write(ctx, tx, rows...); err != nil {
			return err
		}
		updated = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return updated, nil
}

func save(ctx context.Context, tx *sqldb.Tx, c *candidate.Candidate, readVersion int64) error {
	d := c.Details()
	cols, err := columnsOf(d)
	if err != nil {
		return fmt.Errorf("sqlstore: encode candidate %s: %w", c.ID(), err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE candidates SET
			subject = $3, birth_name = $4, usage_name = $5, given_names = $6, birth_date = $7,
			birth_commune = $8, birth_country_code = $9, email = $10, phone = $11, postal_address = $12,
			access_route = $13, training = $14, vae_admissibility = $15, version = $16, updated_at = $17,
			sex = $18, birth_insee_code = $19, france_vae_candidature_id = $20
		WHERE id = $1 AND version = $2`,
		c.ID(), readVersion,
		d.Subject, d.BirthName, d.UsageName, cols.givenNames, d.BirthDate,
		d.BirthPlace.Commune, d.BirthPlace.CountryCode, d.Email, d.Phone, cols.postalAddress,
		string(d.AccessRoute), cols.training, cols.admissibility, c.Version(), c.UpdatedAt(),
		d.Sex, d.BirthPlace.InseeCode, d.FranceVaeCandidatureID)
	if sqldb.IsUniqueViolation(err) { // the only unique column an update can change is subject
		return candidate.ErrAlreadyRegistered.WithCause(err)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: update candidate %s: %w", c.ID(), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: update candidate %s: %w", c.ID(), err)
	}
	if n == 0 {
		return candidate.ErrVersionConflict
	}
	return nil
}
