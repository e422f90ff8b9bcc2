package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

const sessionColumns = `id, centre_id, type, title_id, title_version, ccp_codes, site, start_date, end_date,
	dossier_deadline, state, version, created_by, request_id, request_hash, created_at, updated_at`

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanSessionRow(sc scanner) (sessionRow, error) {
	var r sessionRow
	err := sc.Scan(&r.id, &r.centreID, &r.typ, &r.titleID, &r.titleVersion, &r.ccps, &r.site, &r.start, &r.end,
		&r.deadline, &r.state, &r.version, &r.createdBy, &r.requestID, &r.requestHash, &r.createdAt, &r.updatedAt)
	r.createdAt, r.updatedAt = dbTime(r.createdAt), dbTime(r.updatedAt)
	return r, err
}

// load reads the whole session id: its row and its parts.
func load(ctx context.Context, q querier, id string) (*session.Session, error) {
	row, err := scanSessionRow(q.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, session.ErrNotFound.WithMeta("session", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: get session %s: %w", id, err)
	}
	jurors, err := queryRows(ctx, q, `SELECT subject, display_name, habilitation_number, habilitation_title_id,
			habilitation_valid_from, habilitation_valid_to, declared_links, assigned_at
		FROM session_jurors WHERE session_id = $1 ORDER BY subject`, id,
		func(sc scanner) (jurorRow, error) {
			var j jurorRow
			err := sc.Scan(&j.subject, &j.name, &j.habNumber, &j.habTitle, &j.habFrom, &j.habTo, &j.links, &j.assignedAt)
			j.assignedAt = dbTime(j.assignedAt)
			return j, err
		})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: session %s jurors: %w", id, err)
	}
	candidacies, err := queryRows(ctx, q, `SELECT id, candidate_id, candidate_subject, candidate_name, training_organisation,
			ccp_codes, employer, dossier_snapshot_id, dossier_manifest_hash, dossier_submitted_at, deliberation, version,
			created_by, request_id, request_hash, created_at, updated_at
		FROM candidacies WHERE session_id = $1 ORDER BY id`, id,
		func(sc scanner) (candidacyRow, error) {
			var c candidacyRow
			err := sc.Scan(&c.id, &c.candidateID, &c.candidateSubject, &c.candidateName, &c.trainingOrganisation,
				&c.ccps, &c.employer, &c.snapshotID, &c.manifestHash, &c.submittedAt, &c.deliberation, &c.version,
				&c.createdBy, &c.requestID, &c.requestHash, &c.createdAt, &c.updatedAt)
			c.createdAt, c.updatedAt = dbTime(c.createdAt), dbTime(c.updatedAt)
			if c.submittedAt.Valid {
				c.submittedAt.Time = dbTime(c.submittedAt.Time)
			}
			return c, err
		})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: session %s candidacies: %w", id, err)
	}
	evals, err := queryRows(ctx, q, `SELECT candidacy_id, juror_subject, items, version, updated_at
		FROM evaluations WHERE session_id = $1 ORDER BY candidacy_id, juror_subject`, id,
		func(sc scanner) (evaluationRow, error) {
			var e evaluationRow
			err := sc.Scan(&e.candidacyID, &e.juror, &e.items, &e.version, &e.updatedAt)
			e.updatedAt = dbTime(e.updatedAt)
			return e, err
		})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: session %s evaluations: %w", id, err)
	}
	sigs, err := queryRows(ctx, q, `SELECT juror_subject, juror_name, content_hash, content_encoding, signed_at, seq
		FROM minutes_signatures WHERE session_id = $1 ORDER BY seq`, id,
		func(sc scanner) (signatureRow, error) {
			var s signatureRow
			err := sc.Scan(&s.juror, &s.name, &s.hash, &s.encoding, &s.signedAt, &s.seq)
			s.signedAt = dbTime(s.signedAt)
			return s, err
		})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: session %s signatures: %w", id, err)
	}
	snap, err := snapshotOf(image{session: row}, jurors, candidacies, evals, sigs)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: decode session %s: %w", id, err)
	}
	s, err := session.UnmarshalFromDatabase(snap)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	return s, nil
}

// queryRows runs query with one argument and scans every row with scan.
func queryRows[T any](ctx context.Context, q querier, query string, arg any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func titleType(s string) title.SessionType { return title.SessionType(s) }

// dates parses three stored calendar dates.
func dates(a, b, c string) (civildate.Date, civildate.Date, civildate.Date, error) {
	var out [3]civildate.Date
	for i, s := range []string{a, b, c} {
		d, err := civildate.Parse(s)
		if err != nil {
			return civildate.Date{}, civildate.Date{}, civildate.Date{}, fmt.Errorf("stored date %q: %w", s, err)
		}
		out[i] = d
	}
	return out[0], out[1], out[2], nil
}
