package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/fraud"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// TestSessionRepository_FraudReports (R57): a fraud report filed after a
// juror signed is stored with its event, clears the stored signature, and
// reads back in the session and in its minutes; the minutes, signed again
// with the mention, are kept as a version whose stored content still
// hashes to the signed hash.
func TestSessionRepository_FraudReports(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		s, cyID := deliberated(t, st)
		update(t, st, s.ID(), func(s *session.Session) error {
			cur, err := s.Minutes(hasher)
			if err != nil {
				return err
			}
			_, err = s.Sign("j1", cur.Hash, hasher, now)
			return err
		})
		in := fraud.Input{CandidacyID: cyID, Facts: "Antisèche découverte pendant l'épreuve.", ObservedAt: now,
			Measure: fraud.MeasureExcluded, MeasureNote: "Candidat exclu de la salle"}
		reporter := fraud.Reporter{Role: fraud.ReporterJuror, Subject: "j2", Name: "Juror j2"}
		var filed fraud.Report
		update(t, st, s.ID(), func(s *session.Session) error {
			var err error
			filed, err = s.ReportFraud(newID(t), in, reporter, now)
			return err
		})
		require.Len(t, outboxRows(t, st.db, "titrepro.assessment.v1.fraud_reported"), 1)

		got, err := st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		require.Equal(t, []fraud.Report{filed}, got.FraudReports())
		m, err := got.Minutes(hasher)
		require.NoError(t, err)
		require.Empty(t, m.Signatures, "the signature of the minutes without the report is cleared")
		require.Equal(t, minutes.EncodingV4, m.Encoding)
		require.Len(t, m.Content.FraudReports, 1)
		require.Equal(t, filed.ID, m.Content.FraudReports[0].ReportID)

		signed := signBoth(t, st, s.ID())
		vs, err := st.sessions.MinutesVersions(ctx, s.ID())
		require.NoError(t, err)
		require.Len(t, vs, 1)
		require.Equal(t, signed.Content.FraudReports, vs[0].Minutes.Content.FraudReports)
		recomputed, err := hasher.Hash(vs[0].Minutes.Encoding, vs[0].Minutes.Content)
		require.NoError(t, err)
		require.Equal(t, signed.Hash, recomputed, "the kept content, mentions included, hashes to the signed hash")
	})
}
