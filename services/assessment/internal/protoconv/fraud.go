package protoconv

import (
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/fraud"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
)

// FraudMentionsToProto returns the mentions of fraud reports in minutes
// (R57).
func FraudMentionsToProto(ms []minutes.FraudMention) []*assessmentv1.MinutesFraudReport {
	var out []*assessmentv1.MinutesFraudReport
	for _, m := range ms {
		out = append(out, &assessmentv1.MinutesFraudReport{ReportId: m.ReportID, CandidacyId: m.CandidacyID,
			CandidateId: m.CandidateID, ObserveTime: m.ObservedAt, ReporterRole: m.ReporterRole,
			ReporterName: m.ReporterName, Measure: m.Measure})
	}
	return out
}

// FraudReportToProto returns the FraudReport message of r.
func FraudReportToProto(r fraud.Report) *assessmentv1.FraudReport {
	role := assessmentv1.FraudReporterRole_FRAUD_REPORTER_ROLE_JUROR
	if r.Reporter.Role == fraud.ReporterCentre {
		role = assessmentv1.FraudReporterRole_FRAUD_REPORTER_ROLE_CENTRE
	}
	measure := assessmentv1.FraudMeasure_FRAUD_MEASURE_NONE
	if r.Measure == fraud.MeasureExcluded {
		measure = assessmentv1.FraudMeasure_FRAUD_MEASURE_EXCLUDED_FROM_EPREUVE
	}
	return &assessmentv1.FraudReport{
		ReportId: r.ID, SessionId: r.SessionID, CandidacyId: r.CandidacyID, CandidateId: r.CandidateID,
		Facts: r.Facts, ObserveTime: ts(r.ObservedAt), Measure: measure, Epreuve: EpreuveToProto(r.Epreuve),
		MeasureNote: r.MeasureNote, ReporterRole: role, ReporterSubject: r.Reporter.Subject,
		ReporterName: r.Reporter.Name, FileTime: ts(r.FiledAt), MinutesVersion: int32(max(r.MinutesVersion, 1)),
	}
}

// FraudInputFromProto reads what the reporter wrote. An unknown measure is
// passed on for fraud.Check to refuse.
func FraudInputFromProto(m *assessmentv1.FraudReport) fraud.Input {
	in := fraud.Input{CandidacyID: m.GetCandidacyId(), Facts: m.GetFacts(), Epreuve: EpreuveFromProto(m.GetEpreuve()),
		MeasureNote: m.GetMeasureNote()}
	if m.GetObserveTime() != nil {
		in.ObservedAt = m.GetObserveTime().AsTime()
	}
	switch m.GetMeasure() {
	case assessmentv1.FraudMeasure_FRAUD_MEASURE_UNSPECIFIED, assessmentv1.FraudMeasure_FRAUD_MEASURE_NONE:
		in.Measure = fraud.MeasureNone
	case assessmentv1.FraudMeasure_FRAUD_MEASURE_EXCLUDED_FROM_EPREUVE:
		in.Measure = fraud.MeasureExcluded
	default:
		in.Measure = fraud.Measure(m.GetMeasure().String())
	}
	return in
}
