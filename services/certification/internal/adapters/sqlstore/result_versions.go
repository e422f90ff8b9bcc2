package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// returnColumns are the returned_* columns of results and result_versions.
type returnColumns struct {
	at              sql.NullTime
	by, reason      string
	candidacies     string
	afterValidation bool
}

func (c returnColumns) decode() (*result.Return, error) {
	if !c.at.Valid {
		return nil, nil
	}
	var ids []string
	if err := json.Unmarshal([]byte(c.candidacies), &ids); err != nil {
		return nil, fmt.Errorf("returned_candidacies: %w", err)
	}
	return &result.Return{Reason: c.reason, CandidacyIDs: ids, By: c.by, At: c.at.Time.UTC(), AfterValidation: c.afterValidation}, nil
}

// insertVersion keeps version res of a session's minutes as received.
func insertVersion(ctx context.Context, q querier, res result.SessionResult, lines, signatures string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO result_versions (session_id, version, minutes_hash, previous_hash, lines,
		signatures, signed_at, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		res.SessionID, max(res.Version, 1), res.MinutesHash, res.PreviousHash, lines, signatures,
		nullTime(res.SignedAt), dbTime(res.ReceivedAt))
	if err != nil {
		return fmt.Errorf("sqlstore: keep result %s v%d: %w", res.SessionID, res.Version, err)
	}
	return nil
}

// replace makes next, the version after stored, the session's current
// result (R51): stored must have been returned, and next names it.
func (r *ResultRepository) replace(ctx context.Context, stored, next result.SessionResult, lines, signatures string) error {
	if err := stored.Replaces(next); err != nil {
		return err
	}
	out, err := r.q.ExecContext(ctx, `UPDATE results SET minutes_hash = $3, lines = $4, signatures = $5, signed_at = $6,
			received_at = $7, state = $8, validated_by = '', validated_at = NULL, minutes_version = $9, previous_hash = $10,
			returned_at = NULL, returned_by = '', return_reason = '', returned_candidacies = '[]', return_after_validation = FALSE
		WHERE session_id = $1 AND minutes_version = $2 AND returned_at IS NOT NULL`,
		next.SessionID, stored.Version, next.MinutesHash, lines, signatures, nullTime(next.SignedAt), dbTime(next.ReceivedAt),
		string(result.AwaitingValidation), next.Version, next.PreviousHash)
	if err != nil {
		return fmt.Errorf("sqlstore: result %s v%d: %w", next.SessionID, next.Version, err)
	}
	if n, err := out.RowsAffected(); err != nil || n != 1 {
		return result.ErrMinutesConflict.WithMeta("session_id", next.SessionID)
	}
	return insertVersion(ctx, r.q, next, lines, signatures)
}

// saveReturn stores the ministry's return of res's current version.
func saveReturn(ctx context.Context, tx *sqldb.Tx, res result.SessionResult) error {
	rt := res.Return
	ids, err := json.Marshal(rt.CandidacyIDs)
	if err != nil {
		return fmt.Errorf("sqlstore: return %s: %w", res.SessionID, err)
	}
	out, err := tx.ExecContext(ctx, `UPDATE results SET returned_at = $3, returned_by = $4, return_reason = $5,
			returned_candidacies = $6, return_after_validation = $7
		WHERE session_id = $1 AND minutes_version = $2 AND returned_at IS NULL`,
		res.SessionID, res.Version, dbTime(rt.At), rt.By, rt.Reason, string(ids), rt.AfterValidation)
	if err != nil {
		return fmt.Errorf("sqlstore: return %s: %w", res.SessionID, err)
	}
	if n, err := out.RowsAffected(); err != nil || n != 1 {
		return result.ErrAlreadyReturned.WithMeta("session_id", res.SessionID)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE result_versions SET returned_at = $3, returned_by = $4, return_reason = $5,
			returned_candidacies = $6, return_after_validation = $7
		WHERE session_id = $1 AND version = $2`,
		res.SessionID, res.Version, dbTime(rt.At), rt.By, rt.Reason, string(ids), rt.AfterValidation); err != nil {
		return fmt.Errorf("sqlstore: return %s: version: %w", res.SessionID, err)
	}
	return nil
}

// history returns every version of res's minutes, the first first.
func history(ctx context.Context, q querier, res result.SessionResult) ([]result.Version, error) {
	rows, err := q.QueryContext(ctx, `SELECT version, minutes_hash, received_at, validated_at, returned_at, returned_by,
		return_reason, returned_candidacies, return_after_validation FROM result_versions WHERE session_id = $1 ORDER BY version`,
		res.SessionID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: versions of %s: %w", res.SessionID, err)
	}
	defer rows.Close()
	var out []result.Version
	for rows.Next() {
		var (
			v           result.Version
			receivedAt  time.Time
			validatedAt sql.NullTime
			ret         returnColumns
		)
		if err := rows.Scan(&v.Number, &v.Hash, &receivedAt, &validatedAt, &ret.at, &ret.by, &ret.reason, &ret.candidacies,
			&ret.afterValidation); err != nil {
			return nil, fmt.Errorf("sqlstore: versions of %s: %w", res.SessionID, err)
		}
		v.ReceivedAt = receivedAt.UTC()
		if validatedAt.Valid {
			v.ValidatedAt = validatedAt.Time.UTC()
		}
		if v.Return, err = ret.decode(); err != nil {
			return nil, err
		}
		switch {
		case v.Number == res.Version:
			v.State = res.State
		case v.Number < res.ValidatedVersion && !v.ValidatedAt.IsZero():
			v.State = result.Superseded
		case v.Return != nil:
			v.State = result.Returned
		default:
			v.State = result.Superseded
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Version returns version n of a session's minutes as received: its
// lines, signatures, validation and return, with the history.
func (r *ResultRepository) Version(ctx context.Context, sessionID string, n int) (result.SessionResult, error) {
	cur, err := r.Get(ctx, sessionID)
	if err != nil {
		return result.SessionResult{}, err
	}
	if n == cur.Version {
		return cur, nil
	}
	v, err := versionOf(ctx, r.q, cur, n)
	if err != nil {
		return result.SessionResult{}, err
	}
	v.History = cur.History
	for _, h := range cur.History {
		if h.Number == n {
			v.State = h.State
		}
	}
	return v, nil
}

// validatedVersion returns res with the lines and validation of its last
// validated version.
func validatedVersion(ctx context.Context, q querier, res result.SessionResult) (result.SessionResult, error) {
	v, err := versionOf(ctx, q, res, res.ValidatedVersion)
	if err != nil {
		return result.SessionResult{}, err
	}
	v.State = result.Validated
	return v, nil
}

// versionOf returns res with the content of its version n.
func versionOf(ctx context.Context, q querier, res result.SessionResult, n int) (result.SessionResult, error) {
	var (
		lines, signatures     string
		signedAt, validatedAt sql.NullTime
		receivedAt            time.Time
		ret                   returnColumns
	)
	err := q.QueryRowContext(ctx, `SELECT minutes_hash, previous_hash, lines, signatures, signed_at, received_at,
			validated_by, validated_at, returned_at, returned_by, return_reason, returned_candidacies, return_after_validation
		FROM result_versions WHERE session_id = $1 AND version = $2`, res.SessionID, n).
		Scan(&res.MinutesHash, &res.PreviousHash, &lines, &signatures, &signedAt, &receivedAt, &res.ValidatedBy, &validatedAt,
			&ret.at, &ret.by, &ret.reason, &ret.candidacies, &ret.afterValidation)
	if errors.Is(err, sql.ErrNoRows) {
		return result.SessionResult{}, result.ErrVersionNotFound.WithMeta("session_id", res.SessionID)
	}
	if err != nil {
		return result.SessionResult{}, fmt.Errorf("sqlstore: result %s v%d: %w", res.SessionID, n, err)
	}
	res.Version, res.ReceivedAt, res.SignedAt, res.ValidatedAt = n, receivedAt.UTC(), time.Time{}, time.Time{}
	if signedAt.Valid {
		res.SignedAt = signedAt.Time.UTC()
	}
	if validatedAt.Valid {
		res.ValidatedAt = validatedAt.Time.UTC()
	}
	if res.Return, err = ret.decode(); err != nil {
		return result.SessionResult{}, err
	}
	decoded, err := decodeMinutes(res.SessionID, lines, signatures)
	if err != nil {
		return result.SessionResult{}, err
	}
	res.Lines, res.Signatures = decoded.Lines, decoded.Signatures
	return res, nil
}
