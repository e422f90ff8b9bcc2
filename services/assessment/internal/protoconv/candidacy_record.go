package protoconv

import (
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// recordToProto fills the candidacy's withdrawal, transfer, attendance,
// adjustments and ECF results into out.
func recordToProto(c candidacy.Candidacy, out *assessmentv1.Candidacy) {
	out.AccessRoute = commonv1.AccessRoute(toEnum(commonv1.AccessRoute_value, "ACCESS_ROUTE_", string(c.AccessRoute)))
	if w := c.Withdrawal; w != nil {
		out.Withdrawal = &assessmentv1.Withdrawal{WithdrawnBy: w.By, ByCandidate: w.ByCandidate, Reason: w.Reason,
			WithdrawTime: ts(w.At), TransferredTo: refToProto(w.TransferredTo)}
	}
	out.TransferredFrom = refToProto(c.TransferredFrom)
	for _, a := range c.Attendance {
		out.Attendance = append(out.Attendance, &assessmentv1.Attendance{Epreuve: EpreuveToProto(a.Epreuve), Present: a.Present,
			RecordedBy: a.By, RecordTime: ts(a.At)})
	}
	for _, a := range c.Adjustments {
		out.Adjustments = append(out.Adjustments, &assessmentv1.Adjustment{
			Epreuve: EpreuveToProto(a.Epreuve), ExtraMinutes: int32(a.ExtraMinutes), Arrangements: a.Arrangements,
			AuthorisationReference: a.AuthorisationRef, AuthorisationDate: a.AuthorisedOn.String(),
			EpreuveMinutes: int32(a.EpreuveMinutes), Exceptional: a.Exceptional, Justification: a.Justification,
			RecordedBy: a.By, RecordTime: ts(a.At),
		})
	}
	for _, r := range c.ECF {
		out.EcfResults = append(out.EcfResults, &assessmentv1.EcfResult{CcpCode: r.CCPCode, Obtained: r.Obtained,
			AssessmentDate: r.AssessedOn.String(), Comment: r.Comment, RecordedBy: r.By, RecordTime: ts(r.At)})
	}
}

func refToProto(r *candidacy.Ref) *assessmentv1.CandidacyRef {
	if r == nil {
		return nil
	}
	return &assessmentv1.CandidacyRef{SessionId: r.SessionID, CandidacyId: r.CandidacyID}
}

// AttendanceFromProto reads the marks of a RecordAttendance request.
func AttendanceFromProto(marks []*assessmentv1.Attendance) []candidacy.Attendance {
	out := make([]candidacy.Attendance, 0, len(marks))
	for _, m := range marks {
		out = append(out, candidacy.Attendance{Epreuve: EpreuveFromProto(m.GetEpreuve()), Present: m.GetPresent()})
	}
	return out
}

// AdjustmentFromProto reads the adjustment of a RecordAdjustment request;
// a date that does not parse stays zero, which the domain reports.
func AdjustmentFromProto(a *assessmentv1.Adjustment) candidacy.Adjustment {
	on, _ := civildate.Parse(a.GetAuthorisationDate())
	return candidacy.Adjustment{
		Epreuve: EpreuveFromProto(a.GetEpreuve()), ExtraMinutes: int(a.GetExtraMinutes()), Arrangements: a.GetArrangements(),
		AuthorisationRef: a.GetAuthorisationReference(), AuthorisedOn: on, EpreuveMinutes: int(a.GetEpreuveMinutes()),
		Exceptional: a.GetExceptional(), Justification: a.GetJustification(),
	}
}

// ECFResultsFromProto reads the results of a RecordEcfResults request; a
// date that does not parse stays zero, which the domain reports.
func ECFResultsFromProto(rs []*assessmentv1.EcfResult) []candidacy.ECFResult {
	out := make([]candidacy.ECFResult, 0, len(rs))
	for _, r := range rs {
		on, _ := civildate.Parse(r.GetAssessmentDate())
		out = append(out, candidacy.ECFResult{CCPCode: r.GetCcpCode(), Obtained: r.GetObtained(), AssessedOn: on, Comment: r.GetComment()})
	}
	return out
}

// candidacyEventToProto converts the events of candidacy changes.
func candidacyEventToProto(ev session.Event, eventID string) (Event, bool) {
	switch e := ev.(type) {
	case session.CandidacyWithdrawn:
		w := e.Withdrawal
		return Event{&assessmentv1.CandidacyWithdrawn{
			EventId: eventID, OccurTime: ts(w.At), SessionId: e.SessionID, CandidacyId: e.CandidacyID,
			CandidateId: e.CandidateID, WithdrawnBy: w.By, ByCandidate: w.ByCandidate, Reason: w.Reason,
		}, "sessions/" + e.SessionID + "/candidacies/" + e.CandidacyID, w.At}, true
	case session.CandidacyTransferred:
		return Event{&assessmentv1.CandidacyTransferred{
			EventId: eventID, OccurTime: ts(e.At), CandidateId: e.CandidateID,
			FromSessionId: e.From.SessionID, FromCandidacyId: e.From.CandidacyID,
			ToSessionId: e.To.SessionID, ToCandidacyId: e.To.CandidacyID, TransferredBy: e.By, Reason: e.Reason,
		}, "sessions/" + e.From.SessionID + "/candidacies/" + e.From.CandidacyID, e.At}, true
	}
	return Event{}, false
}
