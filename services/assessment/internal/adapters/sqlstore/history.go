package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/eligibility"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

var _ eligibility.History = (*SessionRepository)(nil)

// maxAttempts bounds the candidacies of one candidate read for
// eligibility; far more than three sessions titre a year for a decade.
const maxAttempts = 500

// Attempts implements eligibility.History: every candidacy of the
// candidate with its session's type, title, dates and state, newest first.
func (r *SessionRepository) Attempts(ctx context.Context, candidateID string) ([]eligibility.Attempt, error) {
	out, err := queryRows(ctx, r.q(), `SELECT s.id, s.type, s.title_id, s.start_date, s.end_date, s.state, c.deliberation, c.record
		FROM candidacies c JOIN sessions s ON s.id = c.session_id
		WHERE c.candidate_id = $1 ORDER BY s.start_date DESC, s.id LIMIT $2`,
		func(sc scanner) (eligibility.Attempt, error) {
			var a eligibility.Attempt
			var typ, start, end, state, record string
			var delib sql.NullString
			if err := sc.Scan(&a.SessionID, &typ, &a.TitleID, &start, &end, &state, &delib, &record); err != nil {
				return a, err
			}
			a.Type = titleType(typ)
			var err error
			if a.Start, a.End, _, err = dates(start, end, end); err != nil {
				return a, err
			}
			a.Closed = session.State(state) == session.StateClosed
			var c candidacy.Candidacy
			if err := recordOf(record, &c); err != nil {
				return a, err
			}
			a.Withdrawn = c.Withdrawn()
			d, err := deliberationOf(delib)
			if err != nil || d == nil {
				return a, err
			}
			a.Outcome = d.Outcome
			for _, dec := range d.Decisions {
				if dec.Outcome == deliberation.Obtained {
					a.Obtained = append(a.Obtained, dec.CCPCode)
				}
			}
			return a, nil
		}, candidateID, maxAttempts)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: attempts of candidate %s: %w", candidateID, err)
	}
	return out, nil
}
