package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/fraud"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// fraudRow is a row of fraud_reports (R57). Reports are written once and
// never change.
type fraudRow struct {
	id, candidacyID, candidateID, facts string
	measure, epreuve, note              string
	role, subject, name                 string
	observedAt, filedAt                 time.Time
	seq                                 int64
	minutesVersion                      int
}

func fraudRowOf(r fraud.Report, seq int) fraudRow {
	return fraudRow{id: r.ID, candidacyID: r.CandidacyID, candidateID: r.CandidateID, facts: r.Facts,
		measure: string(r.Measure), epreuve: string(r.Epreuve), note: r.MeasureNote,
		role: string(r.Reporter.Role), subject: r.Reporter.Subject, name: r.Reporter.Name,
		observedAt: dbTime(r.ObservedAt), filedAt: dbTime(r.FiledAt), seq: int64(seq), minutesVersion: r.MinutesVersion}
}

func fraudOf(sessionID string, r fraudRow) fraud.Report {
	return fraud.Report{ID: r.id, SessionID: sessionID, CandidacyID: r.candidacyID, CandidateID: r.candidateID,
		Facts: r.facts, ObservedAt: r.observedAt.UTC(), Measure: fraud.Measure(r.measure), Epreuve: title.EpreuveKind(r.epreuve),
		MeasureNote: r.note, Reporter: fraud.Reporter{Role: fraud.ReporterRole(r.role), Subject: r.subject, Name: r.name},
		FiledAt: r.filedAt.UTC(), MinutesVersion: r.minutesVersion}
}

// loadFrauds reads the fraud reports of session id, in filing order.
func loadFrauds(ctx context.Context, q querier, id string) ([]fraud.Report, error) {
	rows, err := queryRows(ctx, q, `SELECT id, candidacy_id, candidate_id, facts, measure, epreuve, measure_note,
			reporter_role, reporter_subject, reporter_name, observed_at, filed_at, seq, minutes_version
		FROM fraud_reports WHERE session_id = $1 ORDER BY seq`,
		func(sc scanner) (fraudRow, error) {
			var r fraudRow
			err := sc.Scan(&r.id, &r.candidacyID, &r.candidateID, &r.facts, &r.measure, &r.epreuve, &r.note,
				&r.role, &r.subject, &r.name, &r.observedAt, &r.filedAt, &r.seq, &r.minutesVersion)
			r.observedAt, r.filedAt = dbTime(r.observedAt), dbTime(r.filedAt)
			return r, err
		}, id)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: session %s fraud reports: %w", id, err)
	}
	out := make([]fraud.Report, 0, len(rows))
	for _, r := range rows {
		out = append(out, fraudOf(id, r))
	}
	return out, nil
}

// writeFrauds inserts the reports of after that before does not hold.
func writeFrauds(ctx context.Context, tx *sqldb.Tx, sessionID string, before, after map[string]fraudRow) error {
	for _, id := range sortedKeys(after) {
		r := after[id]
		if prev, ok := before[id]; ok {
			if prev != r {
				return fmt.Errorf("sqlstore: session %s: fraud report %s changed", sessionID, id)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO fraud_reports (id, session_id, seq, candidacy_id, candidate_id,
				facts, observed_at, measure, epreuve, measure_note, reporter_role, reporter_subject, reporter_name,
				filed_at, minutes_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			r.id, sessionID, r.seq, r.candidacyID, r.candidateID, r.facts, r.observedAt, r.measure, r.epreuve, r.note,
			r.role, r.subject, r.name, r.filedAt, r.minutesVersion); err != nil {
			return fmt.Errorf("sqlstore: insert fraud report %s: %w", id, err)
		}
	}
	return nil
}

// versionFraudRow is the mention of a fraud report in a kept minutes
// version's content.
type versionFraudRow struct {
	ReportID     string `json:"report_id"`
	CandidacyID  string `json:"candidacy_id"`
	CandidateID  string `json:"candidate_id"`
	ObservedAt   string `json:"observe_time"`
	ReporterRole string `json:"reporter_role"`
	ReporterName string `json:"reporter_name"`
	Measure      string `json:"measure"`
}

func versionFraudsOf(ms []minutes.FraudMention) []versionFraudRow {
	var out []versionFraudRow
	for _, m := range ms {
		out = append(out, versionFraudRow(m))
	}
	return out
}

func mentionsOf(rs []versionFraudRow) []minutes.FraudMention {
	var out []minutes.FraudMention
	for _, r := range rs {
		out = append(out, minutes.FraudMention(r))
	}
	return out
}
