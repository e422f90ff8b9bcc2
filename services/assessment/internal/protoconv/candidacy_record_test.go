package protoconv_test

import (
	"slices"
	"testing"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// TestCandidateAndTitleCarryWhatEligibilityNeeds: the training's title,
// CCPs and start (R24, R28, R31) and the épreuves' durations (R46) reach
// the projections.
func TestCandidateAndTitleCarryWhatEligibilityNeeds(t *testing.T) {
	t.Parallel()
	p := protoconv.CandidateFromProto(&candidatev1.Candidate{Id: "c", AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_APPRENTICESHIP,
		Training: &candidatev1.TrainingEnrolment{Organisation: "CFA", TitleId: "TP-00495", CcpCodes: []string{"CCP3"}, StartDate: "2025-09-01"}}, 4)
	if p.AccessRoute != candidate.RouteApprenticeship || p.TrainingTitleID != "TP-00495" || !slices.Equal(p.TrainingCCPs, []string{"CCP3"}) ||
		p.TrainingStart != "2025-09-01" || p.Version != 4 {
		t.Fatalf("CandidateFromProto() = %+v", p)
	}
	minutes := int32(240)
	ti := protoconv.TitleFromProto(&certificationv1.Title{Id: "TP-00495", Version: "2008", Epreuves: []*certificationv1.Epreuve{
		{Kind: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE, DurationMinutes: &minutes,
			SessionTypes: []certificationv1.SessionType{certificationv1.SessionType_SESSION_TYPE_TITRE}},
		{Kind: certificationv1.EpreuveKind_EPREUVE_KIND_ENTRETIEN_FINAL, SessionTypes: []certificationv1.SessionType{certificationv1.SessionType_SESSION_TYPE_TITRE}},
	}})
	if got := ti.Durations(title.SessionTitre); len(got) != 1 || got[title.MiseEnSituation] != 240 {
		t.Fatalf("Durations() = %v", got)
	}
}

func TestCandidacyRecordToProto(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	on, _ := civildate.Parse("2026-04-20")
	c := candidacy.Candidacy{ID: "cy-1", SessionID: "s1", AccessRoute: candidate.RouteTraining,
		Withdrawal:      &candidacy.Withdrawal{By: "centre", Reason: "Report.", At: at, TransferredTo: &candidacy.Ref{SessionID: "s2", CandidacyID: "cy-2"}},
		TransferredFrom: &candidacy.Ref{SessionID: "s0", CandidacyID: "cy-0"},
		Attendance:      []candidacy.Attendance{{Epreuve: title.EntretienFinal, By: "j1", At: at}},
		Adjustments: []candidacy.Adjustment{{Epreuve: title.MiseEnSituation, ExtraMinutes: 60, AuthorisationRef: "MDPH-1", AuthorisedOn: on,
			EpreuveMinutes: 240, By: "centre", At: at}},
		ECF: []candidacy.ECFResult{{CCPCode: "CCP1", Obtained: true, AssessedOn: on, Comment: "ok", By: "centre", At: at}},
	}
	got := protoconv.CandidacyToProto(c)
	if got.GetAccessRoute() != commonv1.AccessRoute_ACCESS_ROUTE_TRAINING || got.GetWithdrawal().GetTransferredTo().GetCandidacyId() != "cy-2" ||
		got.GetTransferredFrom().GetSessionId() != "s0" || got.GetAttendance()[0].GetPresent() ||
		got.GetAttendance()[0].GetEpreuve() != certificationv1.EpreuveKind_EPREUVE_KIND_ENTRETIEN_FINAL ||
		got.GetAdjustments()[0].GetAuthorisationDate() != "2026-04-20" || got.GetAdjustments()[0].GetEpreuveMinutes() != 240 ||
		got.GetEcfResults()[0].GetAssessmentDate() != "2026-04-20" || !got.GetEcfResults()[0].GetObtained() {
		t.Fatalf("CandidacyToProto() = %v", got)
	}
	back := protoconv.AdjustmentFromProto(got.GetAdjustments()[0])
	if back.AuthorisedOn != on || back.ExtraMinutes != 60 || back.Epreuve != title.MiseEnSituation {
		t.Fatalf("AdjustmentFromProto() = %+v", back)
	}
	if r := protoconv.ECFResultsFromProto(got.GetEcfResults()); len(r) != 1 || r[0].AssessedOn != on || r[0].CCPCode != "CCP1" {
		t.Fatalf("ECFResultsFromProto() = %+v", r)
	}
}

func TestEventToProtoCandidacyChanges(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	ev, err := protoconv.EventToProto(session.CandidacyWithdrawn{SessionID: "s1", CandidacyID: "cy-1", CandidateID: "cand-1",
		Withdrawal: candidacy.Withdrawal{By: "sub", ByCandidate: true, Reason: "Santé.", At: at}}, "ev-1")
	if err != nil {
		t.Fatal(err)
	}
	w, ok := ev.Message.(*assessmentv1.CandidacyWithdrawn)
	if !ok || eventbus.SubjectOf(ev.Message) != "titrepro.assessment.v1.candidacy_withdrawn" || ev.Resource != "sessions/s1/candidacies/cy-1" ||
		!w.GetByCandidate() || w.GetReason() != "Santé." || w.GetEventId() != "ev-1" || !w.GetOccurTime().AsTime().Equal(at) {
		t.Fatalf("EventToProto(withdrawn) = %+v", ev)
	}
	ev, err = protoconv.EventToProto(session.CandidacyTransferred{CandidateID: "cand-1", From: candidacy.Ref{SessionID: "s1", CandidacyID: "cy-1"},
		To: candidacy.Ref{SessionID: "s2", CandidacyID: "cy-2"}, By: "centre", At: at}, "ev-2")
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := ev.Message.(*assessmentv1.CandidacyTransferred)
	if !ok || eventbus.SubjectOf(ev.Message) != "titrepro.assessment.v1.candidacy_transferred" || tr.GetToCandidacyId() != "cy-2" ||
		tr.GetFromSessionId() != "s1" || tr.GetTransferredBy() != "centre" {
		t.Fatalf("EventToProto(transferred) = %+v", ev)
	}
}
