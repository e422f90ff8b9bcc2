package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// List implements session.Repository with keyset paging on
// (created_at, id): sessions created while a client pages never shift the
// pages already read. It reads the session rows and counts the parts,
// without loading them.
func (r *SessionRepository) List(ctx context.Context, q session.ListQuery) ([]session.Summary, error) {
	var k sqldb.KeysetSelect
	k.Equal("s.centre_id", q.CentreID)
	if q.JurorSubject != "" {
		k.Where("s.id IN (SELECT session_id FROM session_jurors WHERE subject = " + k.Arg(q.JurorSubject) + ")")
	}
	if q.CandidateSubject != "" {
		k.Where("s.id IN (SELECT session_id FROM candidacies WHERE candidate_subject = " + k.Arg(q.CandidateSubject) + ")")
	}
	k.Equal("s.title_id", q.TitleID)
	if !q.From.IsZero() {
		k.Where("s.end_date >= " + k.Arg(q.From.String()))
	}
	if !q.To.IsZero() {
		k.Where("s.start_date <= " + k.Arg(q.To.String()))
	}
	if q.After != nil {
		k.After("s.created_at", "s.id", q.After.CreatedAt, q.After.ID)
	}
	query, args := k.Build(`SELECT `+prefixed("s.", sessionColumns)+`,
			(SELECT COUNT(*) FROM session_jurors j WHERE j.session_id = s.id),
			(SELECT COUNT(*) FROM candidacies c WHERE c.session_id = s.id)
		FROM sessions s`, "s.created_at", "s.id", q.Limit)

	rows, err := r.q().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list sessions: %w", err)
	}
	defer rows.Close()
	var out []session.Summary
	for rows.Next() {
		var row sessionRow
		var jurors, candidacies int
		if err := rows.Scan(&row.id, &row.centreID, &row.typ, &row.titleID, &row.titleVersion, &row.ccps, &row.site,
			&row.start, &row.end, &row.deadline, &row.state, &row.version, &row.createdBy, &row.requestID,
			&row.requestHash, &row.createdAt, &row.updatedAt, &jurors, &candidacies); err != nil {
			return nil, fmt.Errorf("sqlstore: list sessions: %w", err)
		}
		row.createdAt, row.updatedAt = dbTime(row.createdAt), dbTime(row.updatedAt)
		snap, err := snapshotOf(image{session: row}, nil, nil, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: decode session %s: %w", row.id, err)
		}
		s, err := session.UnmarshalFromDatabase(snap)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %w", err)
		}
		sum := s.Summary()
		sum.JurorCount, sum.CandidacyCount = jurors, candidacies
		out = append(out, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list sessions: %w", err)
	}
	return out, nil
}

// prefixed qualifies every column of a comma-separated list.
func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
