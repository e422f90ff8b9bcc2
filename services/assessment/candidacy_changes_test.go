package assessment_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	"github.com/titrepro/titrepro/internal/auth"
)

// publishTrainee announces a training-route candidate whose training
// prepares titleID (CCPs ccps, empty: the whole title).
func (e *env) publishTrainee(t *testing.T, id, subject, titleID string, ccps ...string) {
	t.Helper()
	e.publish(t, "candidate", "titrepro.candidate.v1.candidate_registered", "assessment_candidates",
		&candidatev1.CandidateRegistered{EventId: "cand-" + id, Version: 1, Candidate: &candidatev1.Candidate{
			Id: id, Subject: subject, BirthName: "Martin", GivenNames: []string{"Lou"},
			AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_TRAINING,
			Training:    &candidatev1.TrainingEnrolment{Organisation: "AFPA Lyon", TitleId: titleID, CcpCodes: ccps, StartDate: "2025-09-01"},
		}}, "candidates/"+id)
}

// TestService_CandidacyChanges drives the candidacy changes over gRPC:
// adjustments (R46), a transfer to another session of the centre, a
// withdrawal by the candidate, eligibility refusals (R24, R28) and an
// absent candidate deliberated ABSENT.
func TestService_CandidacyChanges(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	sessionID, candidacyID := planned(t, e)

	// R46: an adjustment authorised before the session, at most a third.
	adj := &assessmentv1.Adjustment{Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE,
		ExtraMinutes: 61, EpreuveMinutes: 180, AuthorisationReference: "MDPH-69-2026-0042", AuthorisationDate: "2026-05-02"}
	_, err := e.client.RecordAdjustment(ctx, &assessmentv1.RecordAdjustmentRequest{SessionId: sessionID, CandidacyId: candidacyID, Adjustment: adj}, e.as(t, centre))
	requireStatus(t, err, codes.FailedPrecondition, "ADJUSTMENT_EXCEEDS_A_THIRD", "R46")
	adj.ExtraMinutes = 60
	_, err = e.client.RecordAdjustment(ctx, &assessmentv1.RecordAdjustmentRequest{SessionId: sessionID, CandidacyId: candidacyID, Adjustment: adj}, e.as(t, juror1))
	requireStatus(t, err, codes.PermissionDenied, "SESSION_ACCESS_DENIED", "")
	adjusted, err := e.client.RecordAdjustment(ctx, &assessmentv1.RecordAdjustmentRequest{SessionId: sessionID, CandidacyId: candidacyID, Adjustment: adj}, e.as(t, centre))
	require.NoError(t, err)
	require.Len(t, adjusted.GetCandidacy().GetAdjustments(), 1)
	require.Equal(t, "centre-user", adjusted.GetCandidacy().GetAdjustments()[0].GetRecordedBy())
	require.Equal(t, commonv1.AccessRoute_ACCESS_ROUTE_TRAINING, adjusted.GetCandidacy().GetAccessRoute())

	// A second session of the centre: the candidacy moves there with its
	// adjustment; the first one is withdrawn with a pointer to it.
	later := titreSession()
	later.StartDate, later.EndDate, later.DossierDeadline = "2026-09-07", "2026-09-08", "2026-08-31"
	s2, err := e.client.CreateSession(ctx, &assessmentv1.CreateSessionRequest{Session: later}, e.as(t, centre))
	require.NoError(t, err)
	target := s2.GetSession().GetId()
	_, err = e.client.TransferCandidacy(ctx, &assessmentv1.TransferCandidacyRequest{SessionId: sessionID, CandidacyId: candidacyID,
		TargetSessionId: target}, e.as(t, otherCentre))
	requireStatus(t, err, codes.PermissionDenied, "SESSION_ACCESS_DENIED", "")
	moved, err := e.client.TransferCandidacy(ctx, &assessmentv1.TransferCandidacyRequest{SessionId: sessionID, CandidacyId: candidacyID,
		TargetSessionId: target, Reason: "Report à la demande de la candidate."}, e.as(t, centre))
	require.NoError(t, err)
	to := moved.GetTo()
	require.Equal(t, target, to.GetSessionId())
	require.Equal(t, candidacyID, to.GetTransferredFrom().GetCandidacyId())
	require.Len(t, to.GetAdjustments(), 1)
	require.Equal(t, to.GetId(), moved.GetFrom().GetWithdrawal().GetTransferredTo().GetCandidacyId())
	var transferred assessmentv1.CandidacyTransferred
	eventually(t, "CandidacyTransferred on TITREPRO_ASSESSMENT", func() error {
		m, err := e.lastEvent(ctx, "titrepro.assessment.v1.candidacy_transferred", "sessions/"+sessionID+"/candidacies/"+candidacyID)
		if err != nil {
			return err
		}
		return proto.Unmarshal(m.Data, &transferred)
	})
	require.Equal(t, target, transferred.GetToSessionId())
	require.Equal(t, candidateID, transferred.GetCandidateId())

	// The candidate withdraws the new candidacy themselves, once.
	withdrawn, err := e.client.WithdrawCandidacy(ctx, &assessmentv1.WithdrawCandidacyRequest{SessionId: target, CandidacyId: to.GetId(),
		Reason: "Raisons personnelles."}, e.as(t, camille))
	require.NoError(t, err)
	require.True(t, withdrawn.GetCandidacy().GetWithdrawal().GetByCandidate())
	_, err = e.client.WithdrawCandidacy(ctx, &assessmentv1.WithdrawCandidacyRequest{SessionId: target, CandidacyId: to.GetId()}, e.as(t, camille))
	requireStatus(t, err, codes.FailedPrecondition, "CANDIDACY_WITHDRAWN", "")
	eventually(t, "CandidacyWithdrawn on TITREPRO_ASSESSMENT", func() error {
		_, err := e.lastEvent(ctx, "titrepro.assessment.v1.candidacy_withdrawn", "sessions/"+target+"/candidacies/"+to.GetId())
		return err
	})

	// Eligibility at registration.
	const (
		otherTitle = "0197a5d0-0000-7000-8000-0000000000d1"
		someCCPs   = "0197a5d0-0000-7000-8000-0000000000d2"
		absentee   = "0197a5d0-0000-7000-8000-0000000000d3"
	)
	e.publishTrainee(t, otherTitle, "lou@idp", "TP-01281")
	_, err = e.client.CreateCandidacy(ctx, &assessmentv1.CreateCandidacyRequest{SessionId: sessionID,
		Candidacy: &assessmentv1.Candidacy{CandidateId: otherTitle}}, e.as(t, centre))
	requireStatus(t, err, codes.FailedPrecondition, "TRAINING_NOT_FOR_TITLE", "R24")
	ccpSession := titreSession()
	ccpSession.Type, ccpSession.CcpCodes = assessmentv1.SessionType_SESSION_TYPE_CCP, []string{"CCP3"}
	s3, err := e.client.CreateSession(ctx, &assessmentv1.CreateSessionRequest{Session: ccpSession}, e.as(t, centre))
	require.NoError(t, err)
	e.publishTrainee(t, someCCPs, "sam@idp", "TP-00495", "CCP1", "CCP2")
	_, err = e.client.CreateCandidacy(ctx, &assessmentv1.CreateCandidacyRequest{SessionId: s3.GetSession().GetId(),
		Candidacy: &assessmentv1.Candidacy{CandidateId: someCCPs}}, e.as(t, centre))
	requireStatus(t, err, codes.FailedPrecondition, "CCP_SESSION_NOT_ELIGIBLE", "R28")

	// An absent candidate: recorded absent from both épreuves by a juror,
	// deliberated ABSENT without decisions.
	e.publishTrainee(t, absentee, "alex@idp", "TP-00495")
	a, err := e.client.CreateCandidacy(ctx, &assessmentv1.CreateCandidacyRequest{SessionId: sessionID,
		Candidacy: &assessmentv1.Candidacy{CandidateId: absentee}}, e.as(t, centre))
	require.NoError(t, err)
	absentC := a.GetCandidacy().GetId()
	_, err = e.client.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: sessionID}, e.as(t, centre))
	require.NoError(t, err)
	// R46: once the session is open, adjustments are closed.
	_, err = e.client.RecordAdjustment(ctx, &assessmentv1.RecordAdjustmentRequest{SessionId: sessionID, CandidacyId: absentC, Adjustment: adj}, e.as(t, centre))
	requireStatus(t, err, codes.FailedPrecondition, "SESSION_STARTED", "R46")
	marks := []*assessmentv1.Attendance{
		{Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE},
		{Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_ENTRETIEN_FINAL},
	}
	_, err = e.client.RecordAttendance(ctx, &assessmentv1.RecordAttendanceRequest{SessionId: sessionID, CandidacyId: absentC, Attendance: marks},
		e.as(t, auth.Principal{Subject: "alex@idp", Roles: []auth.Role{auth.RoleCandidate}}))
	requireStatus(t, err, codes.PermissionDenied, "SESSION_ACCESS_DENIED", "")
	att, err := e.client.RecordAttendance(ctx, &assessmentv1.RecordAttendanceRequest{SessionId: sessionID, CandidacyId: absentC, Attendance: marks}, e.as(t, juror2))
	require.NoError(t, err)
	require.Len(t, att.GetCandidacy().GetAttendance(), 2)
	_, err = e.client.DeliberateCandidacy(ctx, partialDecision(sessionID, absentC), e.as(t, juror1))
	requireStatus(t, err, codes.FailedPrecondition, "CANDIDATE_RECORDED_ABSENT", "")
	decided, err := e.client.DeliberateCandidacy(ctx, &assessmentv1.DeliberateCandidacyRequest{SessionId: sessionID, CandidacyId: absentC, Absent: true}, e.as(t, juror1))
	require.NoError(t, err)
	require.Equal(t, assessmentv1.TitleOutcome_TITLE_OUTCOME_ABSENT, decided.GetCandidacy().GetDeliberation().GetTitleOutcome())
	minutes, err := e.client.GetMinutes(ctx, &assessmentv1.GetMinutesRequest{SessionId: sessionID}, e.as(t, juror1))
	require.NoError(t, err)
	lines := minutes.GetMinutes().GetLines()
	require.Len(t, lines, 1, "the transferred candidacy is not in the minutes")
	require.Equal(t, absentC, lines[0].GetCandidacyId())
	require.Equal(t, assessmentv1.TitleOutcome_TITLE_OUTCOME_ABSENT, lines[0].GetTitleOutcome())
	require.Empty(t, lines[0].GetCcpDecisions())

}
