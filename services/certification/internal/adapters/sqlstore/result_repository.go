package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// ResultRepository is the result.Repository over SQL. Built on the pool it
// serves reads; built on a transaction it joins it, which is how the
// MinutesSigned consumer records a result together with its inbox row.
type ResultRepository struct {
	q querier
}

var _ result.Repository = (*ResultRepository)(nil)

// NewResultRepository returns a repository over the pool of db.
func NewResultRepository(db *sqldb.DB) *ResultRepository { return &ResultRepository{q: db} }

// NewResultRepositoryTx returns a repository whose reads and writes are
// part of tx.
func NewResultRepositoryTx(tx *sqldb.Tx) *ResultRepository { return &ResultRepository{q: tx} }

// lineRow, decisionRow and signatureRow are the JSON shapes of the lines
// and signatures columns. They are spelled out here, rather than taken
// from the domain types, so that a rename in Go never changes stored data.
type lineRow struct {
	CandidacyID         string        `json:"candidacy_id"`
	CandidateID         string        `json:"candidate_id"`
	Decisions           []decisionRow `json:"decisions"`
	TitleOutcome        string        `json:"title_outcome"`
	DossierManifestHash string        `json:"dossier_manifest_hash"`
}

type decisionRow struct {
	CcpCode    string `json:"ccp_code"`
	Outcome    string `json:"outcome"`
	Motivation string `json:"motivation"`
}

type signatureRow struct {
	JurorSubject string    `json:"juror_subject"`
	JurorName    string    `json:"juror_name"`
	SignedAt     time.Time `json:"sign_time"`
	ContentHash  string    `json:"content_hash"`
}

// Record implements result.Repository. ON CONFLICT DO NOTHING rather than
// read-then-insert: two deliveries racing on PostgreSQL end with one row
// and no unique-violation error.
func (r *ResultRepository) Record(ctx context.Context, res result.SessionResult) (bool, error) {
	lines, signatures, err := encodeMinutes(res)
	if err != nil {
		return false, err
	}
	res.Version = max(res.Version, 1)
	out, err := r.q.ExecContext(ctx, `INSERT INTO results (session_id, centre_id, session_type, title_id,
		title_version, jury_date, minutes_hash, lines, signatures, signed_at, received_at, state, minutes_version, previous_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (session_id) DO NOTHING`,
		res.SessionID, res.CentreID, string(res.Type), res.TitleCode, res.TitleVersion, res.JuryDate,
		res.MinutesHash, lines, signatures, nullTime(res.SignedAt), dbTime(res.ReceivedAt), string(result.AwaitingValidation),
		res.Version, res.PreviousHash)
	if err != nil {
		return false, fmt.Errorf("sqlstore: insert result %s: %w", res.SessionID, err)
	}
	n, err := out.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: insert result %s: %w", res.SessionID, err)
	}
	if n == 1 {
		return true, insertVersion(ctx, r.q, res, lines, signatures)
	}
	stored, err := r.Get(ctx, res.SessionID)
	if err != nil {
		return false, err
	}
	if res.Version > stored.Version {
		return true, r.replace(ctx, stored, res, lines, signatures)
	}
	if slices.ContainsFunc(stored.History, func(v result.Version) bool { return v.Number == res.Version && v.Hash == res.MinutesHash }) {
		return false, nil // an earlier version delivered again
	}
	if !stored.SameMinutes(res) {
		return false, result.ErrMinutesConflict.
			WithMeta("session_id", res.SessionID).
			WithMeta("stored_hash", stored.MinutesHash).
			WithMeta("received_hash", res.MinutesHash)
	}
	return false, nil
}

// resultColumns are the columns scanResult reads, in order.
const resultColumns = `session_id, centre_id, session_type, title_id, title_version, jury_date, minutes_hash,
	lines, signatures, signed_at, received_at, state, validated_by, validated_at, minutes_version, previous_hash,
	validated_version, returned_at, returned_by, return_reason, returned_candidacies, return_after_validation`

// Get implements result.Repository, with the history of the versions.
func (r *ResultRepository) Get(ctx context.Context, sessionID string) (result.SessionResult, error) {
	row := r.q.QueryRowContext(ctx, `SELECT `+resultColumns+` FROM results WHERE session_id = $1`, sessionID)
	res, err := scanResult(row)
	if err != nil {
		return result.SessionResult{}, err
	}
	if res.History, err = history(ctx, r.q, res); err != nil {
		return result.SessionResult{}, err
	}
	return res, nil
}

// List implements result.Repository with a keyset on the session id.
func (r *ResultRepository) List(ctx context.Context, state result.State, after string, limit int) ([]result.SessionResult, error) {
	return r.list(ctx, "", state, after, limit)
}

// ListOfCentre implements result.Repository: List narrowed to the
// sessions of centre.
func (r *ResultRepository) ListOfCentre(ctx context.Context, centre string, state result.State, after string, limit int) ([]result.SessionResult, error) {
	return r.list(ctx, centre, state, after, limit)
}

func (r *ResultRepository) list(ctx context.Context, centre string, state result.State, after string, limit int) ([]result.SessionResult, error) {
	// RETURNED is the returned_at column; AWAITING_VALIDATION and
	// VALIDATED are the state column of the results not returned.
	returned := state == result.Returned
	if returned {
		state = ""
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+resultColumns+` FROM results
		WHERE session_id > $1 AND ($2 = '' OR (state = $2 AND returned_at IS NULL)) AND ($3 = FALSE OR returned_at IS NOT NULL)
			AND ($5 = '' OR centre_id = $5)
		ORDER BY session_id LIMIT $4`, after, string(state), returned, limit, centre)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list results: %w", err)
	}
	defer rows.Close()
	var out []result.SessionResult
	for rows.Next() {
		res, err := scanResult(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list results: %w", err)
	}
	return out, nil
}

// ValidatedFor implements result.Repository through record_results, the
// index of the validated results by person that saveValidation writes.
func (r *ResultRepository) ValidatedFor(ctx context.Context, candidateID string) ([]result.SessionResult, error) {
	// The decisions that stand are the last validated version's: while a
	// correction is under way, the current version is not validated yet.
	rows, err := r.q.QueryContext(ctx, `SELECT `+prefixed("results.", resultColumns)+` FROM results
		JOIN record_results ON record_results.session_id = results.session_id
		WHERE record_results.candidate_id = $1 AND results.validated_version > 0
		ORDER BY results.jury_date, results.session_id`, candidateID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: results of %s: %w", candidateID, err)
	}
	defer rows.Close()
	var out []result.SessionResult
	for rows.Next() {
		res, err := scanResult(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: results of %s: %w", candidateID, err)
	}
	rows.Close()
	for i, res := range out {
		if res.ValidatedVersion == res.Version {
			continue
		}
		if out[i], err = validatedVersion(ctx, r.q, res); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// prefixed qualifies each column of a comma-separated list with table.
func prefixed(table, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = table + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// saveValidation stores a validation, provided the result still awaits
// one. The state condition is part of the write: of two validations
// racing, the second updates nothing (on PostgreSQL it waits for the
// first's row lock, then re-reads the state) and is refused.
func saveValidation(ctx context.Context, tx *sqldb.Tx, res result.SessionResult) error {
	out, err := tx.ExecContext(ctx, `UPDATE results SET state = $2, validated_by = $3, validated_at = $4, validated_version = $6
		WHERE session_id = $1 AND state = $5 AND returned_at IS NULL AND minutes_version = $6`,
		res.SessionID, string(result.Validated), res.ValidatedBy, dbTime(res.ValidatedAt), string(result.AwaitingValidation),
		max(res.Version, 1))
	if err != nil {
		return fmt.Errorf("sqlstore: validate result %s: %w", res.SessionID, err)
	}
	n, err := out.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: validate result %s: %w", res.SessionID, err)
	}
	if n == 0 {
		return result.ErrAlreadyValidated.WithMeta("session_id", res.SessionID)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE result_versions SET validated_by = $3, validated_at = $4
		WHERE session_id = $1 AND version = $2`, res.SessionID, max(res.Version, 1), res.ValidatedBy, dbTime(res.ValidatedAt)); err != nil {
		return fmt.Errorf("sqlstore: validate result %s: version: %w", res.SessionID, err)
	}
	// The result now reaches the people it decides on (R51): index it by
	// person, in the same transaction.
	for _, l := range res.Lines {
		if l.CandidateID == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO record_results (candidate_id, session_id) VALUES ($1, $2)
			ON CONFLICT (candidate_id, session_id) DO NOTHING`, l.CandidateID, res.SessionID); err != nil {
			return fmt.Errorf("sqlstore: validate result %s: index %s: %w", res.SessionID, l.CandidateID, err)
		}
	}
	return nil
}

func encodeMinutes(res result.SessionResult) (lines, signatures string, err error) {
	ls := make([]lineRow, 0, len(res.Lines))
	for _, l := range res.Lines {
		lr := lineRow{CandidacyID: l.CandidacyID, CandidateID: l.CandidateID, TitleOutcome: string(l.TitleOutcome),
			DossierManifestHash: l.DossierManifestHash, Decisions: []decisionRow{}}
		for _, d := range l.Decisions {
			lr.Decisions = append(lr.Decisions, decisionRow{CcpCode: d.CcpCode, Outcome: string(d.Outcome), Motivation: d.Motivation})
		}
		ls = append(ls, lr)
	}
	ss := make([]signatureRow, 0, len(res.Signatures))
	for _, s := range res.Signatures {
		ss = append(ss, signatureRow{JurorSubject: s.JurorSubject, JurorName: s.JurorName, SignedAt: s.SignedAt.UTC(), ContentHash: s.ContentHash})
	}
	lb, err := json.Marshal(ls)
	if err != nil {
		return "", "", fmt.Errorf("sqlstore: result %s: lines: %w", res.SessionID, err)
	}
	sb, err := json.Marshal(ss)
	if err != nil {
		return "", "", fmt.Errorf("sqlstore: result %s: signatures: %w", res.SessionID, err)
	}
	return string(lb), string(sb), nil
}

func scanResult(s scanner) (result.SessionResult, error) {
	var (
		res                   result.SessionResult
		sessionType, state    string
		lines, signatures     string
		signedAt, validatedAt sql.NullTime
		receivedAt            time.Time
		ret                   returnColumns
	)
	err := s.Scan(&res.SessionID, &res.CentreID, &sessionType, &res.TitleCode, &res.TitleVersion, &res.JuryDate,
		&res.MinutesHash, &lines, &signatures, &signedAt, &receivedAt, &state, &res.ValidatedBy, &validatedAt,
		&res.Version, &res.PreviousHash, &res.ValidatedVersion, &ret.at, &ret.by, &ret.reason, &ret.candidacies, &ret.afterValidation)
	if errors.Is(err, sql.ErrNoRows) {
		return result.SessionResult{}, result.ErrNotFound
	}
	if err != nil {
		return result.SessionResult{}, fmt.Errorf("sqlstore: read result: %w", err)
	}
	res.Type, res.State = result.SessionType(sessionType), result.State(state)
	if res.Return, err = ret.decode(); err != nil {
		return result.SessionResult{}, fmt.Errorf("sqlstore: result %s: %w", res.SessionID, err)
	}
	if res.Return != nil {
		res.State = result.Returned
	}
	res.ReceivedAt = receivedAt.UTC()
	if signedAt.Valid {
		res.SignedAt = signedAt.Time.UTC()
	}
	if validatedAt.Valid {
		res.ValidatedAt = validatedAt.Time.UTC()
	}
	decoded, err := decodeMinutes(res.SessionID, lines, signatures)
	if err != nil {
		return result.SessionResult{}, err
	}
	res.Lines, res.Signatures = decoded.Lines, decoded.Signatures
	return res, nil
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: dbTime(t), Valid: true}
}

// decodeMinutes decodes the lines and signatures columns.
func decodeMinutes(sessionID, lines, signatures string) (result.SessionResult, error) {
	res := result.SessionResult{SessionID: sessionID}
	var ls []lineRow
	if err := json.Unmarshal([]byte(lines), &ls); err != nil {
		return result.SessionResult{}, fmt.Errorf("sqlstore: result %s: lines: %w", res.SessionID, err)
	}
	for _, l := range ls {
		line := result.Line{CandidacyID: l.CandidacyID, CandidateID: l.CandidateID,
			TitleOutcome: result.TitleOutcome(l.TitleOutcome), DossierManifestHash: l.DossierManifestHash}
		for _, d := range l.Decisions {
			line.Decisions = append(line.Decisions, result.CcpDecision{CcpCode: d.CcpCode, Outcome: result.CcpOutcome(d.Outcome), Motivation: d.Motivation})
		}
		res.Lines = append(res.Lines, line)
	}
	var ss []signatureRow
	if err := json.Unmarshal([]byte(signatures), &ss); err != nil {
		return result.SessionResult{}, fmt.Errorf("sqlstore: result %s: signatures: %w", res.SessionID, err)
	}
	for _, sg := range ss {
		res.Signatures = append(res.Signatures, result.Signature{JurorSubject: sg.JurorSubject, JurorName: sg.JurorName,
			SignedAt: sg.SignedAt.UTC(), ContentHash: sg.ContentHash})
	}
	return res, nil
}
