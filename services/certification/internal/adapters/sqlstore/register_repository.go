package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/domain/register"
	"github.com/titrepro/titrepro/services/certification/internal/protoconv"
)

// RegisterRepository is the register.Repository over SQL: agréments,
// habilitations and charte acceptances, each change in one transaction
// with its event.
type RegisterRepository struct {
	db     *sqldb.DB
	outbox *outbox.Outbox
}

var _ register.Repository = (*RegisterRepository)(nil)

// NewRegisterRepository returns the repository; events go to ob, which
// must write to the same database.
func NewRegisterRepository(db *sqldb.DB, ob *outbox.Outbox) *RegisterRepository {
	return &RegisterRepository{db: db, outbox: ob}
}

// forUpdate locks the row read on PostgreSQL; SQLite's writer lock,
// taken when the transaction begins, already serialises writers.
func forUpdate(tx *sqldb.Tx) string {
	if tx.Dialect == sqldb.DialectPostgres {
		return " FOR UPDATE"
	}
	return ""
}

// event writes msg to the outbox about resource, with msg's event_id and
// occur_time set to the outbox id and at.
func (r *RegisterRepository) event(ctx context.Context, tx *sqldb.Tx, resource string, at time.Time, build func(id string, occur *timestamppb.Timestamp) proto.Message) error {
	id, err := outbox.NewID()
	if err != nil {
		return err
	}
	ev, err := outbox.NewEventWithID(id, build(id, timestamppb.New(at)), EventSource, resource, at)
	if err != nil {
		return err
	}
	return r.outbox.Write(ctx, tx, ev)
}

func parseDate(s string) (civildate.Date, error) {
	if s == "" {
		return civildate.Date{}, nil
	}
	return civildate.Parse(s)
}

// --- agréments

const agrementColumns = `id, centre_id, title_id, title_version, site, valid_from, valid_to, state,
	withdrawal_reason, granted_by, granted_at, withdrawn_by, withdrawn_at, version`

func scanAgrement(s scanner) (register.Agrement, error) {
	var (
		a            register.Agrement
		from, to, st string
		withdrawnAt  sql.NullTime
		errFr, errTo error
	)
	if err := s.Scan(&a.ID, &a.CentreID, &a.TitleID, &a.TitleVersion, &a.Site, &from, &to, &st,
		&a.WithdrawalReason, &a.GrantedBy, &a.GrantedAt, &a.WithdrawnBy, &withdrawnAt, &a.Version); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return register.Agrement{}, register.ErrAgrementNotFound
		}
		return register.Agrement{}, fmt.Errorf("sqlstore: read agrément: %w", err)
	}
	a.ValidFrom, errFr = parseDate(from)
	a.ValidTo, errTo = parseDate(to)
	if err := errors.Join(errFr, errTo); err != nil {
		return register.Agrement{}, fmt.Errorf("sqlstore: agrément %s: %w", a.ID, err)
	}
	a.State = register.State(st)
	a.GrantedAt = a.GrantedAt.UTC()
	if withdrawnAt.Valid {
		a.WithdrawnAt = withdrawnAt.Time.UTC()
	}
	return a, nil
}

// GrantAgrement implements register.Repository.
func (r *RegisterRepository) GrantAgrement(ctx context.Context, a register.Agrement) (register.Agrement, bool, error) {
	a.GrantedAt = dbTime(a.GrantedAt)
	var (
		stored  register.Agrement
		created bool
	)
	err := r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO agrements (`+agrementColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			ON CONFLICT (id) DO NOTHING`,
			a.ID, a.CentreID, a.TitleID, a.TitleVersion, a.Site, a.ValidFrom.String(), a.ValidTo.String(), string(a.State),
			a.WithdrawalReason, a.GrantedBy, a.GrantedAt, a.WithdrawnBy, nullTime(a.WithdrawnAt), a.Version)
		if err != nil {
			return fmt.Errorf("sqlstore: insert agrément %s: %w", a.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			stored, created = a, true
			return r.event(ctx, tx, "agrements/"+a.ID, a.GrantedAt, func(id string, at *timestamppb.Timestamp) proto.Message {
				return &certificationv1.AgrementGranted{EventId: id, OccurTime: at, Agrement: protoconv.Agrement(a)}
			})
		}
		stored, created = register.Agrement{}, false
		prev, err := scanAgrement(tx.QueryRowContext(ctx, `SELECT `+agrementColumns+` FROM agrements WHERE id = $1`, a.ID))
		if err != nil {
			return err
		}
		if !prev.SameGrant(a) {
			return register.ErrAgrementExists.WithMeta("agrement_id", a.ID)
		}
		stored = prev
		return nil
	})
	if err != nil {
		return register.Agrement{}, false, err
	}
	return stored, created, nil
}

// UpdateAgrement implements register.Repository.
func (r *RegisterRepository) UpdateAgrement(ctx context.Context, id string, change func(*register.Agrement) (bool, error)) (register.Agrement, error) {
	var out register.Agrement
	err := r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		a, err := scanAgrement(tx.QueryRowContext(ctx, `SELECT `+agrementColumns+` FROM agrements WHERE id = $1`+forUpdate(tx), id))
		if err != nil {
			return err
		}
		changed, err := change(&a)
		if err != nil || !changed {
			out = a
			return err
		}
		a.WithdrawnAt = dbTime(a.WithdrawnAt)
		if _, err := tx.ExecContext(ctx, `UPDATE agrements SET state = $1, withdrawal_reason = $2, withdrawn_by = $3,
			withdrawn_at = $4, version = $5 WHERE id = $6`,
			string(a.State), a.WithdrawalReason, a.WithdrawnBy, nullTime(a.WithdrawnAt), a.Version, a.ID); err != nil {
			return fmt.Errorf("sqlstore: update agrément %s: %w", a.ID, err)
		}
		out = a
		return r.event(ctx, tx, "agrements/"+a.ID, a.WithdrawnAt, func(id string, at *timestamppb.Timestamp) proto.Message {
			return &certificationv1.AgrementWithdrawn{EventId: id, OccurTime: at, Agrement: protoconv.Agrement(a)}
		})
	})
	if err != nil {
		return register.Agrement{}, err
	}
	return out, nil
}

// Agrement implements register.Repository.
func (r *RegisterRepository) Agrement(ctx context.Context, id string) (register.Agrement, error) {
	return scanAgrement(r.db.QueryRowContext(ctx, `SELECT `+agrementColumns+` FROM agrements WHERE id = $1`, id))
}

// ListAgrements implements register.Repository.
func (r *RegisterRepository) ListAgrements(ctx context.Context, f register.AgrementFilter, after string, limit int) ([]register.Agrement, error) {
	var k sqldb.KeysetSelect
	k.Equal("centre_id", f.CentreID)
	k.Equal("title_id", f.TitleID)
	k.Where("id > " + k.Arg(after))
	q, args := k.Build(`SELECT `+agrementColumns+` FROM agrements`, "id", "id", limit)
	rows, err := r.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list agréments: %w", err)
	}
	defer rows.Close()
	var out []register.Agrement
	for rows.Next() {
		a, err := scanAgrement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list agréments: %w", err)
	}
	return out, nil
}

// --- habilitations

const habilitationColumns = `number, juror_subject, juror_name, juror_email, title_id, valid_from, valid_to, category,
	experience_years, last_practised, derogation, derogation_reason, trainer, state, withdrawal_reason,
	granted_by, granted_at, withdrawn_by, withdrawn_at, version`

func scanHabilitation(s scanner) (register.Habilitation, error) {
	var (
		h                     register.Habilitation
		from, to, last, c, st string
		withdrawnAt           sql.NullTime
		errFr, errTo, errLast error
	)
	if err := s.Scan(&h.Number, &h.JurorSubject, &h.JurorName, &h.JurorEmail, &h.TitleID, &from, &to, &c,
		&h.ExperienceYears, &last, &h.Derogation, &h.DerogationReason, &h.Trainer, &st, &h.WithdrawalReason,
		&h.GrantedBy, &h.GrantedAt, &h.WithdrawnBy, &withdrawnAt, &h.Version); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return register.Habilitation{}, register.ErrHabilitationNotFound
		}
		return register.Habilitation{}, fmt.Errorf("sqlstore: read habilitation: %w", err)
	}
	h.ValidFrom, errFr = parseDate(from)
	h.ValidTo, errTo = parseDate(to)
	h.LastPractised, errLast = parseDate(last)
	if err := errors.Join(errFr, errTo, errLast); err != nil {
		return register.Habilitation{}, fmt.Errorf("sqlstore: habilitation %s: %w", h.Number, err)
	}
	h.Category, h.State = register.Category(c), register.State(st)
	h.GrantedAt = h.GrantedAt.UTC()
	if withdrawnAt.Valid {
		h.WithdrawnAt = withdrawnAt.Time.UTC()
	}
	return h, nil
}

// GrantHabilitation implements register.Repository.
func (r *RegisterRepository) GrantHabilitation(ctx context.Context, h register.Habilitation) (register.Habilitation, bool, error) {
	h.GrantedAt = dbTime(h.GrantedAt)
	var (
		stored  register.Habilitation
		created bool
	)
	err := r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO habilitations (`+habilitationColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
			ON CONFLICT (number) DO NOTHING`,
			h.Number, h.JurorSubject, h.JurorName, h.JurorEmail, h.TitleID, h.ValidFrom.String(), h.ValidTo.String(),
			string(h.Category), h.ExperienceYears, h.LastPractised.String(), h.Derogation, h.DerogationReason, h.Trainer,
			string(h.State), h.WithdrawalReason, h.GrantedBy, h.GrantedAt, h.WithdrawnBy, nullTime(h.WithdrawnAt), h.Version)
		if err != nil {
			return fmt.Errorf("sqlstore: insert habilitation %s: %w", h.Number, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			stored, created = h, true
			return r.event(ctx, tx, "habilitations/"+h.Number, h.GrantedAt, func(id string, at *timestamppb.Timestamp) proto.Message {
				return &certificationv1.HabilitationGranted{EventId: id, OccurTime: at,
					Habilitation: eventHabilitation(h), JurorEmail: h.JurorEmail}
			})
		}
		stored, created = register.Habilitation{}, false
		prev, err := scanHabilitation(tx.QueryRowContext(ctx, `SELECT `+habilitationColumns+` FROM habilitations WHERE number = $1`, h.Number))
		if err != nil {
			return err
		}
		if !prev.SameGrant(h) {
			return register.ErrHabilitationExists.WithMeta("number", h.Number)
		}
		stored = prev
		return nil
	})
	if err != nil {
		return register.Habilitation{}, false, err
	}
	return stored, created, nil
}

// UpdateHabilitation implements register.Repository.
func (r *RegisterRepository) UpdateHabilitation(ctx context.Context, number string, change func(*register.Habilitation) (bool, error)) (register.Habilitation, error) {
	var out register.Habilitation
	err := r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		h, err := scanHabilitation(tx.QueryRowContext(ctx, `SELECT `+habilitationColumns+` FROM habilitations WHERE number = $1`+forUpdate(tx), number))
		if err != nil {
			return err
		}
		changed, err := change(&h)
		if err != nil || !changed {
			out = h
			return err
		}
		h.WithdrawnAt = dbTime(h.WithdrawnAt)
		if _, err := tx.ExecContext(ctx, `UPDATE habilitations SET state = $1, withdrawal_reason = $2, withdrawn_by = $3,
			withdrawn_at = $4, version = $5 WHERE number = $6`,
			string(h.State), h.WithdrawalReason, h.WithdrawnBy, nullTime(h.WithdrawnAt), h.Version, h.Number); err != nil {
			return fmt.Errorf("sqlstore: update habilitation %s: %w", h.Number, err)
		}
		out = h
		return r.event(ctx, tx, "habilitations/"+h.Number, h.WithdrawnAt, func(id string, at *timestamppb.Timestamp) proto.Message {
			return &certificationv1.HabilitationWithdrawn{EventId: id, OccurTime: at, Habilitation: eventHabilitation(h)}
		})
	})
	if err != nil {
		return register.Habilitation{}, err
	}
	return out, nil
}

// Habilitation implements register.Repository.
func (r *RegisterRepository) Habilitation(ctx context.Context, number string) (register.Habilitation, error) {
	return scanHabilitation(r.db.QueryRowContext(ctx, `SELECT `+habilitationColumns+` FROM habilitations WHERE number = $1`, number))
}

// ListHabilitations implements register.Repository.
func (r *RegisterRepository) ListHabilitations(ctx context.Context, f register.HabilitationFilter, after string, limit int) ([]register.Habilitation, error) {
	var k sqldb.KeysetSelect
	k.Equal("title_id", f.TitleID)
	k.Equal("juror_subject", f.JurorSubject)
	if f.From != "" || f.To != "" {
		k.Equal("state", string(register.Granted))
	}
	if f.From != "" {
		k.Where("valid_from <= " + k.Arg(f.From))
	}
	if f.To != "" {
		k.Where("valid_to >= " + k.Arg(f.To))
	}
	k.Where("number > " + k.Arg(after))
	q, args := k.Build(`SELECT `+habilitationColumns+` FROM habilitations`, "number", "number", limit)
	rows, err := r.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list habilitations: %w", err)
	}
	defer rows.Close()
	var out []register.Habilitation
	for rows.Next() {
		h, err := scanHabilitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list habilitations: %w", err)
	}
	return out, nil
}

// --- charte

// AcceptCharter implements register.Repository.
func (r *RegisterRepository) AcceptCharter(ctx context.Context, c register.CharterAcceptance) (register.CharterAcceptance, error) {
	c.AcceptedAt = dbTime(c.AcceptedAt)
	var out register.CharterAcceptance
	err := r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO charter_acceptances (juror_subject, charter_version, accepted_at)
			VALUES ($1, $2, $3) ON CONFLICT (juror_subject, charter_version) DO NOTHING`, c.JurorSubject, c.Version, c.AcceptedAt)
		if err != nil {
			return fmt.Errorf("sqlstore: insert charte acceptance: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			out = c
			return r.event(ctx, tx, "jurors/"+c.JurorSubject, c.AcceptedAt, func(id string, at *timestamppb.Timestamp) proto.Message {
				return &certificationv1.JurorCharterAccepted{EventId: id, OccurTime: at, Acceptance: protoconv.CharterAcceptance(c)}
			})
		}
		out = register.CharterAcceptance{JurorSubject: c.JurorSubject, Version: c.Version}
		if err := tx.QueryRowContext(ctx, `SELECT accepted_at FROM charter_acceptances WHERE juror_subject = $1 AND charter_version = $2`,
			c.JurorSubject, c.Version).Scan(&out.AcceptedAt); err != nil {
			return fmt.Errorf("sqlstore: read charte acceptance: %w", err)
		}
		out.AcceptedAt = out.AcceptedAt.UTC()
		return nil
	})
	if err != nil {
		return register.CharterAcceptance{}, err
	}
	return out, nil
}

// CharterAcceptance implements register.Repository.
func (r *RegisterRepository) CharterAcceptance(ctx context.Context, subject, version string) (register.CharterAcceptance, error) {
	c := register.CharterAcceptance{JurorSubject: subject, Version: version}
	err := r.db.QueryRowContext(ctx, `SELECT accepted_at FROM charter_acceptances WHERE juror_subject = $1 AND charter_version = $2`,
		subject, version).Scan(&c.AcceptedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return register.CharterAcceptance{}, register.ErrCharterNotAccepted
	}
	if err != nil {
		return register.CharterAcceptance{}, fmt.Errorf("sqlstore: read charte acceptance: %w", err)
	}
	c.AcceptedAt = c.AcceptedAt.UTC()
	return c, nil
}

// eventHabilitation is a habilitation as its events carry it: what the
// other contexts need (the juror, the title, the dates, the trainer flag
// for R20, the e-mail for convocations), without the R17 details the
// DREETS examined (experience, last day practised, derogation reason).
func eventHabilitation(h register.Habilitation) *certificationv1.Habilitation {
	out := protoconv.Habilitation(h, false)
	out.JurorEmail = h.JurorEmail
	return out
}
