package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/sqldb"
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

// Locks guarding a session on PostgreSQL (SQLite transactions are
// serialised by BEGIN IMMEDIATE and need none). A change of the session
// takes the session's guard exclusively, then its row FOR UPDATE, before
// reading anything, so it reads every evaluation already stored and none
// can be stored until it commits; an evaluation write takes the guard
// shared, which does not conflict with other evaluation writes.
//
// The guard is a transaction-scoped advisory lock rather than a row lock:
// FOR KEY SHARE from several jurors at once turns the row's lock into a
// multixact, written to the row (and the WAL) by every evaluation write;
// advisory locks live in the lock manager only (measured: 403–429 → 477
// writes/s for 3 jurors through gRPC on PostgreSQL, same harness). Their two-key space (sessionGuardSpace, a hash of the
// session id) is apart from the one-key locks of the outbox relay; two
// sessions whose ids hash alike merely wait for each other.
const (
	lockNone  = ""
	lockWhole = " FOR UPDATE"

	sessionGuardSpace = 1952
)

// guardSession takes the guard of session id for the rest of the
// transaction: shared for an evaluation write, exclusive for a change of
// the session. It does nothing on SQLite.
func guardSession(ctx context.Context, q querier, id string, shared bool) error {
	if dialectOf(q) != sqldb.DialectPostgres {
		return nil
	}
	lock := "pg_advisory_xact_lock"
	if shared {
		lock = "pg_advisory_xact_lock_shared"
	}
	if _, err := q.ExecContext(ctx, `SELECT `+lock+`($1, hashtext($2))`, sessionGuardSpace, id); err != nil {
		return fmt.Errorf("sqlstore: guard session %s: %w", id, err)
	}
	return nil
}

// load reads the whole session id: its row and its parts.
func load(ctx context.Context, q querier, id string) (*session.Session, error) {
	return loadLocked(ctx, q, id, lockNone)
}

// loadLocked is load taking lock on the session row (PostgreSQL only).
func loadLocked(ctx context.Context, q querier, id, lock string) (*session.Session, error) {
	row, err := loadRow(ctx, q, id, lock)
	if err != nil {
		return nil, err
	}
	return loadParts(ctx, q, row, nil)
}

// loadRow reads the session row, with lock on PostgreSQL.
func loadRow(ctx context.Context, q querier, id, lock string) (sessionRow, error) {
	if dialectOf(q) != sqldb.DialectPostgres {
		lock = lockNone
	}
	row, err := scanSessionRow(q.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return sessionRow{}, session.ErrNotFound.WithMeta("session", id)
	}
	if err != nil {
		return sessionRow{}, fmt.Errorf("sqlstore: get session %s: %w", id, err)
	}
	return row, nil
}

// loadParts reads the parts of the session row: all of them, or with part
// only the jury, the signatures and the candidacies part names with their
// evaluations (a bounded number of rows, by primary key or index).
func loadParts(ctx context.Context, q querier, row sessionRow, part *session.Part) (*session.Session, error) {
	id := row.id
	jurors, err := queryRows(ctx, q, `SELECT subject, display_name, habilitation_number, habilitation_title_id,
			habilitation_valid_from, habilitation_valid_to, declared_links, assigned_at, links_declared_at
		FROM session_jurors WHERE session_id = $1 ORDER BY subject`,
		func(sc scanner) (jurorRow, error) {
			var j jurorRow
			err := sc.Scan(&j.subject, &j.name, &j.habNumber, &j.habTitle, &j.habFrom, &j.habTo, &j.links, &j.assignedAt, &j.linksDeclaredAt)
			j.assignedAt = dbTime(j.assignedAt)
			if j.linksDeclaredAt.Valid {
				j.linksDeclaredAt.Time = dbTime(j.linksDeclaredAt.Time)
			}
			return j, err
		}, id)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: session %s jurors: %w", id, err)
	}
	candidacyQuery, candidacyArgs := `SELECT `+candidacyColumns+` FROM candidacies WHERE session_id = $1 ORDER BY id`, []any{id}
	if part != nil {
		// Two lookups by key rather than one OR, which a planner may answer
		// by scanning every candidacy of the session.
		candidacyQuery = `SELECT ` + candidacyColumns + ` FROM candidacies WHERE id = $2 AND session_id = $1
			UNION SELECT ` + candidacyColumns + ` FROM candidacies WHERE session_id = $1 AND candidate_subject = $3 AND $3 <> ''
			ORDER BY id`
		candidacyArgs = append(candidacyArgs, part.CandidacyID, part.CandidateSubject)
	}
	candidacies, err := queryRows(ctx, q, candidacyQuery, scanCandidacyRow, candidacyArgs...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: session %s candidacies: %w", id, err)
	}
	var evals []evaluationRow
	switch {
	case part == nil:
		evals, err = queryRows(ctx, q, `SELECT candidacy_id, juror_subject, items, version, updated_at
			FROM evaluations WHERE session_id = $1 ORDER BY candidacy_id, juror_subject`, scanEvaluationRow, id)
	case slices.ContainsFunc(candidacies, func(c candidacyRow) bool { return c.id == part.CandidacyID }):
		// The candidacy is of this session, hence so are its evaluations.
		evals, err = queryRows(ctx, q, `SELECT candidacy_id, juror_subject, items, version, updated_at
			FROM evaluations WHERE candidacy_id = $1 ORDER BY juror_subject`, scanEvaluationRow, part.CandidacyID)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: session %s evaluations: %w", id, err)
	}
	sigs, err := queryRows(ctx, q, `SELECT juror_subject, juror_name, content_hash, content_encoding, signed_at, seq
		FROM minutes_signatures WHERE session_id = $1 ORDER BY seq`,
		func(sc scanner) (signatureRow, error) {
			var s signatureRow
			err := sc.Scan(&s.juror, &s.name, &s.hash, &s.encoding, &s.signedAt, &s.seq)
			s.signedAt = dbTime(s.signedAt)
			return s, err
		}, id)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: session %s signatures: %w", id, err)
	}
	snap, err := snapshotOf(image{session: row}, jurors, candidacies, evals, sigs)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: decode session %s: %w", id, err)
	}
	snap.Part = part != nil
	// A part serves the scoring and the candidacy reads, which never look
	// at the minutes versions: the query is spared on that hot path (a
	// part is never saved, and reads as minutes version 1).
	if part == nil {
		if err := loadReopened(ctx, q, &snap); err != nil {
			return nil, err
		}
		if snap.FraudReports, err = loadFrauds(ctx, q, id); err != nil {
			return nil, err
		}
	}
	s, err := session.UnmarshalFromDatabase(snap)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	return s, nil
}

const candidacyColumns = `id, candidate_id, candidate_subject, candidate_name, training_organisation,
	ccp_codes, employer, dossier_snapshot_id, dossier_manifest_hash, dossier_submitted_at, deliberation, version,
	created_by, request_id, request_hash, created_at, updated_at, released_at, access_route, record`

func scanCandidacyRow(sc scanner) (candidacyRow, error) {
	var c candidacyRow
	err := sc.Scan(&c.id, &c.candidateID, &c.candidateSubject, &c.candidateName, &c.trainingOrganisation,
		&c.ccps, &c.employer, &c.snapshotID, &c.manifestHash, &c.submittedAt, &c.deliberation, &c.version,
		&c.createdBy, &c.requestID, &c.requestHash, &c.createdAt, &c.updatedAt, &c.releasedAt, &c.accessRoute, &c.record)
	c.createdAt, c.updatedAt = dbTime(c.createdAt), dbTime(c.updatedAt)
	if c.submittedAt.Valid {
		c.submittedAt.Time = dbTime(c.submittedAt.Time)
	}
	if c.releasedAt.Valid {
		c.releasedAt.Time = dbTime(c.releasedAt.Time)
	}
	return c, err
}

func scanEvaluationRow(sc scanner) (evaluationRow, error) {
	var e evaluationRow
	err := sc.Scan(&e.candidacyID, &e.juror, &e.items, &e.version, &e.updatedAt)
	e.updatedAt = dbTime(e.updatedAt)
	return e, err
}

// queryRows runs query with args and scans every row with scan.
func queryRows[T any](ctx context.Context, q querier, query string, scan func(scanner) (T, error), args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
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
