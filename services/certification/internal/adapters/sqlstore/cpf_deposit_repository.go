package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
)

// CpfDepositRepository keeps each award's CPF deposit state (R56): the
// rows cpfdeposit.ToExport, Exported, Apply and Tracking work on.
type CpfDepositRepository struct {
	db *sqldb.DB
}

// NewCpfDepositRepository returns a repository over the pool of db.
func NewCpfDepositRepository(db *sqldb.DB) *CpfDepositRepository {
	return &CpfDepositRepository{db: db}
}

// Track adds the awards that are not tracked yet, never deposited; an
// award tracked already keeps its state. It returns how many were added.
func (r *CpfDepositRepository) Track(ctx context.Context, awards []cpfdeposit.State, at time.Time) (int, error) {
	added := 0
	err := r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		added = 0
		for _, a := range awards {
			ok, err := trackCpfDeposit(ctx, tx, a, at)
			if err != nil {
				return err
			}
			if ok {
				added++
			}
		}
		return nil
	})
	return added, err
}

// trackCpfDeposit adds one award, never deposited, unless tracked already,
// and reports whether it did.
func trackCpfDeposit(ctx context.Context, tx *sqldb.Tx, a cpfdeposit.State, at time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO cpf_deposits (award_id, award_date, updated_at)
		VALUES ($1, $2, $3) ON CONFLICT (award_id) DO NOTHING`, a.AwardID, a.AwardDate, dbTime(at))
	if err != nil {
		return false, fmt.Errorf("sqlstore: track cpf deposit of %s: %w", a.AwardID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: track cpf deposit of %s: %w", a.AwardID, err)
	}
	return n == 1, nil
}

// States returns every tracked award, by award date then award id.
func (r *CpfDepositRepository) States(ctx context.Context) ([]cpfdeposit.State, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT award_id, award_date, flux_id, outcome, message
		FROM cpf_deposits ORDER BY award_date, award_id`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read cpf deposits: %w", err)
	}
	defer rows.Close()
	var out []cpfdeposit.State
	for rows.Next() {
		var (
			s       cpfdeposit.State
			outcome string
		)
		if err := rows.Scan(&s.AwardID, &s.AwardDate, &s.FluxID, &outcome, &s.Message); err != nil {
			return nil, fmt.Errorf("sqlstore: read cpf deposits: %w", err)
		}
		s.Outcome = cpfdeposit.Outcome(outcome)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: read cpf deposits: %w", err)
	}
	return out, nil
}

// Save writes the file, outcome and message of tracked awards, in one
// transaction. A row whose award is deposited already (OK or already known)
// is left as it is, whatever the states say: once the Caisse holds an
// award, nothing here may forget it. An award not tracked is an error and
// nothing is written.
func (r *CpfDepositRepository) Save(ctx context.Context, states []cpfdeposit.State, at time.Time) error {
	return r.db.InTx(ctx, func(tx *sqldb.Tx) error { return saveStates(ctx, tx, states, at) })
}

// SaveExport records a deposit file as exported, with the new states of the
// awards it carries (cpfdeposit.Exported), in one transaction: the file is
// kept only if the states are, and the other way round.
func (r *CpfDepositRepository) SaveExport(ctx context.Context, f cpfdeposit.File, states []cpfdeposit.State) error {
	return r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO cpf_deposit_files (flux_id, content, awards, exported_by, exported_at)
			VALUES ($1, $2, $3, $4, $5)`, f.FluxID, f.Content, f.Awards, f.ExportedBy, dbTime(f.ExportedAt)); err != nil {
			return fmt.Errorf("sqlstore: record cpf deposit file %s: %w", f.FluxID, err)
		}
		return saveStates(ctx, tx, states, f.ExportedAt)
	})
}

// File returns the content of an exported deposit file, and false when no
// file has that idFlux.
func (r *CpfDepositRepository) File(ctx context.Context, fluxID string) ([]byte, bool, error) {
	var content []byte
	err := r.db.QueryRowContext(ctx, `SELECT content FROM cpf_deposit_files WHERE flux_id = $1`, fluxID).Scan(&content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("sqlstore: read cpf deposit file %s: %w", fluxID, err)
	}
	return content, true, nil
}

func saveStates(ctx context.Context, tx *sqldb.Tx, states []cpfdeposit.State, at time.Time) error {
	for _, s := range states {
		if _, err := tx.ExecContext(ctx, `UPDATE cpf_deposits
				SET flux_id = $2, outcome = $3, message = $4, updated_at = $5
				WHERE award_id = $1 AND outcome NOT IN ($6, $7)`,
			s.AwardID, s.FluxID, string(s.Outcome), s.Message, dbTime(at),
			string(cpfdeposit.Accepted), string(cpfdeposit.AlreadyKnown)); err != nil {
			return fmt.Errorf("sqlstore: save cpf deposit of %s: %w", s.AwardID, err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cpf_deposits WHERE award_id = $1`, s.AwardID).Scan(&n); err != nil {
			return fmt.Errorf("sqlstore: save cpf deposit of %s: %w", s.AwardID, err)
		}
		if n == 0 {
			return fmt.Errorf("sqlstore: save cpf deposit: award %s is not tracked", s.AwardID)
		}
	}
	return nil
}
