package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/register"
)

// RegisterRepository implements register.Repository: the projection of
// the ministry's registers.
type RegisterRepository struct {
	q querier
}

var _ register.Repository = (*RegisterRepository)(nil)

// NewRegisterRepository returns the projection on q (a *sqldb.DB, or the
// *sqldb.Tx of the consumer that records the event).
func NewRegisterRepository(q querier) *RegisterRepository {
	return &RegisterRepository{q: q}
}

// applied reports whether an upsert wrote its row.
func applied(res sql.Result, err error, what string) (bool, error) {
	if err != nil {
		return false, fmt.Errorf("sqlstore: save %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: save %s: %w", what, err)
	}
	return n == 1, nil
}

// SaveAgrement implements register.Repository: one upsert whose update
// applies only to an older version.
func (r *RegisterRepository) SaveAgrement(ctx context.Context, a register.Agrement) (bool, error) {
	res, err := r.q.ExecContext(ctx, `INSERT INTO register_agrements (id, centre_id, title_id, title_version, site,
			valid_from, valid_to, granted, source_version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO UPDATE SET centre_id = excluded.centre_id, title_id = excluded.title_id,
			title_version = excluded.title_version, site = excluded.site, valid_from = excluded.valid_from,
			valid_to = excluded.valid_to, granted = excluded.granted, source_version = excluded.source_version
		WHERE register_agrements.source_version < excluded.source_version`,
		a.ID, a.CentreID, a.TitleID, a.TitleVersion, a.Site, a.ValidFrom.String(), a.ValidTo.String(), a.Granted, a.Version)
	return applied(res, err, "agrément "+a.ID)
}

// SaveHabilitation implements register.Repository as SaveAgrement.
func (r *RegisterRepository) SaveHabilitation(ctx context.Context, h register.Habilitation) (bool, error) {
	res, err := r.q.ExecContext(ctx, `INSERT INTO register_habilitations (number, juror_subject, juror_name, juror_email,
			title_id, valid_from, valid_to, trainer, granted, source_version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (number) DO UPDATE SET juror_subject = excluded.juror_subject, juror_name = excluded.juror_name,
			juror_email = excluded.juror_email, title_id = excluded.title_id, valid_from = excluded.valid_from,
			valid_to = excluded.valid_to, trainer = excluded.trainer, granted = excluded.granted,
			source_version = excluded.source_version
		WHERE register_habilitations.source_version < excluded.source_version`,
		h.Number, h.JurorSubject, h.JurorName, h.JurorEmail, h.TitleID, h.ValidFrom.String(), h.ValidTo.String(),
		h.Trainer, h.Granted, h.Version)
	return applied(res, err, "habilitation "+h.Number)
}

// SaveCharter implements register.Repository: an acceptance is kept once.
func (r *RegisterRepository) SaveCharter(ctx context.Context, c register.Charter) (bool, error) {
	res, err := r.q.ExecContext(ctx, `INSERT INTO register_charters (juror_subject, charter_version, accepted_at)
		VALUES ($1, $2, $3) ON CONFLICT (juror_subject, charter_version) DO NOTHING`,
		c.JurorSubject, c.Version, dbTime(c.AcceptedAt))
	return applied(res, err, "charte acceptance of "+c.JurorSubject)
}

func parseDates(ss ...string) ([]civildate.Date, error) {
	out := make([]civildate.Date, len(ss))
	for i, s := range ss {
		d, err := civildate.Parse(s)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

// AgrementsOf implements register.Repository.
func (r *RegisterRepository) AgrementsOf(ctx context.Context, centreID, titleID, titleVersion string) ([]register.Agrement, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, centre_id, title_id, title_version, site, valid_from, valid_to,
			granted, source_version
		FROM register_agrements WHERE centre_id = $1 AND title_id = $2 AND title_version = $3 ORDER BY id`,
		centreID, titleID, titleVersion)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: agréments of %s: %w", centreID, err)
	}
	defer rows.Close()
	var out []register.Agrement
	for rows.Next() {
		var (
			a        register.Agrement
			from, to string
		)
		if err := rows.Scan(&a.ID, &a.CentreID, &a.TitleID, &a.TitleVersion, &a.Site, &from, &to, &a.Granted, &a.Version); err != nil {
			return nil, fmt.Errorf("sqlstore: agréments of %s: %w", centreID, err)
		}
		ds, err := parseDates(from, to)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: agrément %s: %w", a.ID, err)
		}
		a.ValidFrom, a.ValidTo = ds[0], ds[1]
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: agréments of %s: %w", centreID, err)
	}
	return out, nil
}

// Habilitation implements register.Repository.
func (r *RegisterRepository) Habilitation(ctx context.Context, number string) (register.Habilitation, error) {
	var (
		h        register.Habilitation
		from, to string
	)
	err := r.q.QueryRowContext(ctx, `SELECT number, juror_subject, juror_name, juror_email, title_id, valid_from,
			valid_to, trainer, granted, source_version FROM register_habilitations WHERE number = $1`, number).
		Scan(&h.Number, &h.JurorSubject, &h.JurorName, &h.JurorEmail, &h.TitleID, &from, &to, &h.Trainer, &h.Granted, &h.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return register.Habilitation{}, register.ErrHabilitationUnknown.WithMeta("habilitation", number)
	}
	if err != nil {
		return register.Habilitation{}, fmt.Errorf("sqlstore: habilitation %s: %w", number, err)
	}
	ds, err := parseDates(from, to)
	if err != nil {
		return register.Habilitation{}, fmt.Errorf("sqlstore: habilitation %s: %w", number, err)
	}
	h.ValidFrom, h.ValidTo = ds[0], ds[1]
	return h, nil
}

// CharterAccepted implements register.Repository.
func (r *RegisterRepository) CharterAccepted(ctx context.Context, subject string) (bool, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM register_charters WHERE juror_subject = $1`, subject).Scan(&n); err != nil {
		return false, fmt.Errorf("sqlstore: charte of %s: %w", subject, err)
	}
	return n > 0, nil
}
