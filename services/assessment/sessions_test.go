package assessment_test

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
)

// published waits until the relay has published an event on subject
// about resource and returns the last one.
func published(t *testing.T, e *env, subject, resource string) *jetstream.RawStreamMsg {
	t.Helper()
	var m *jetstream.RawStreamMsg
	eventually(t, subject+" of "+resource, func() error {
		var err error
		m, err = e.lastEvent(context.Background(), subject, resource)
		return err
	})
	return m
}

// TestService_SessionsThatChange: the organising centre updates a planned
// session (etag, mask, the checks of a creation), postpones it and cancels
// it; the candidacies are released and nothing changes afterwards; other
// callers may not; SessionCancelled names the released candidacies.
func TestService_SessionsThatChange(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	sessionID, candidacyID := planned(t, e)
	got, err := e.client.GetSession(ctx, &assessmentv1.GetSessionRequest{SessionId: sessionID}, e.as(t, centre))
	require.NoError(t, err)
	etag := got.GetSession().GetEtag()

	t.Run("update: R8 a site the centre is not approved for is refused", func(t *testing.T) {
		_, err := e.client.UpdateSession(ctx, &assessmentv1.UpdateSessionRequest{
			Session:    &assessmentv1.Session{Id: sessionID, Etag: etag, Site: "Lyon Gerland"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"site"}}}, e.as(t, centre))
		requireStatus(t, err, codes.FailedPrecondition, "AGREMENT_MISSING", "R8")
	})
	// The DREETS approves the centre at its second site.
	granted := certificationv1.RegisterState_REGISTER_STATE_GRANTED
	seq := e.send(t, "certification", "titrepro.certification.v1.agrement_granted", &certificationv1.AgrementGranted{EventId: "AGR-GERLAND",
		Agrement: &certificationv1.Agrement{Id: "AGR-GERLAND", CentreId: centre.Centre, TitleId: "TP-00495", TitleVersion: "2008",
			Site: "Lyon Gerland", ValidFrom: "2025-01-01", ValidTo: "2027-12-31", State: granted, Version: 1}}, "agrements/AGR-GERLAND")
	e.waitConsumed(t, "certification", "assessment_registers", seq)

	t.Run("update: a stale etag is refused", func(t *testing.T) {
		_, err := e.client.UpdateSession(ctx, &assessmentv1.UpdateSessionRequest{
			Session:    &assessmentv1.Session{Id: sessionID, Etag: "1", Site: "Lyon Gerland"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"site"}}}, e.as(t, centre))
		requireStatus(t, err, codes.Aborted, "SESSION_VERSION_CONFLICT", "")
	})
	t.Run("update: the title is immutable, the mask required", func(t *testing.T) {
		_, err := e.client.UpdateSession(ctx, &assessmentv1.UpdateSessionRequest{
			Session:    &assessmentv1.Session{Id: sessionID, Etag: etag, TitleId: "TP-1"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"title_id"}}}, e.as(t, centre))
		requireStatus(t, err, codes.InvalidArgument, "INVALID_ARGUMENT", "")
		_, err = e.client.UpdateSession(ctx, &assessmentv1.UpdateSessionRequest{
			Session: &assessmentv1.Session{Id: sessionID, Etag: etag, Site: "x"}}, e.as(t, centre))
		requireStatus(t, err, codes.InvalidArgument, "INVALID_ARGUMENT", "")
	})
	t.Run("update: R40 a deadline after the first day is refused", func(t *testing.T) {
		_, err := e.client.UpdateSession(ctx, &assessmentv1.UpdateSessionRequest{
			Session:    &assessmentv1.Session{Id: sessionID, Etag: etag, DossierDeadline: "2026-06-02"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"dossier_deadline"}}}, e.as(t, centre))
		requireStatus(t, err, codes.InvalidArgument, "INVALID_ARGUMENT", "")
	})
	t.Run("update and cancel: another centre, the ministry and a juror may not", func(t *testing.T) {
		for _, caller := range []auth.Principal{otherCentre, ministry, juror1} {
			_, err := e.client.UpdateSession(ctx, &assessmentv1.UpdateSessionRequest{
				Session:    &assessmentv1.Session{Id: sessionID, Etag: etag, Site: "x"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"site"}}}, e.as(t, caller))
			requireStatus(t, err, codes.PermissionDenied, "SESSION_ACCESS_DENIED", "")
			_, err = e.client.CancelSession(ctx, &assessmentv1.CancelSessionRequest{SessionId: sessionID, Reason: "x"}, e.as(t, caller))
			requireStatus(t, err, codes.PermissionDenied, "SESSION_ACCESS_DENIED", "")
		}
	})

	upd, err := e.client.UpdateSession(ctx, &assessmentv1.UpdateSessionRequest{
		Session:    &assessmentv1.Session{Id: sessionID, Etag: etag, Site: " Lyon Gerland ", DossierDeadline: "2026-05-28"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"site", "dossier_deadline"}}}, e.as(t, centre))
	require.NoError(t, err)
	require.Equal(t, "Lyon Gerland", upd.GetSession().GetSite())
	require.Equal(t, "2026-05-28", upd.GetSession().GetDossierDeadline())
	require.NotEqual(t, etag, upd.GetSession().GetEtag())
	m := published(t, e, "titrepro.assessment.v1.session_updated", "sessions/"+sessionID)
	var updated assessmentv1.SessionUpdated
	require.NoError(t, proto.Unmarshal(m.Data, &updated))
	require.Equal(t, []string{"dossier_deadline", "site"}, updated.GetChangedFields())
	require.Equal(t, candidateID, updated.GetCandidacies()[0].GetCandidateId())

	t.Run("postpone: the reason is required", func(t *testing.T) {
		_, err := e.client.PostponeSession(ctx, &assessmentv1.PostponeSessionRequest{SessionId: sessionID,
			StartDate: "2026-06-15", EndDate: "2026-06-16"}, e.as(t, centre))
		requireStatus(t, err, codes.InvalidArgument, "INVALID_ARGUMENT", "")
	})
	pp, err := e.client.PostponeSession(ctx, &assessmentv1.PostponeSessionRequest{SessionId: sessionID,
		StartDate: "2026-06-15", EndDate: "2026-06-16", Reason: "salle indisponible"}, e.as(t, centre))
	require.NoError(t, err)
	require.Equal(t, assessmentv1.SessionState_SESSION_STATE_PLANNED, pp.GetSession().GetState())
	require.Equal(t, "2026-06-15", pp.GetSession().GetStartDate())
	require.Equal(t, "2026-06-15", pp.GetSession().GetDossierDeadline(), "an empty deadline is the first day, as at creation")
	m = published(t, e, "titrepro.assessment.v1.session_postponed", "sessions/"+sessionID)
	var postponed assessmentv1.SessionPostponed
	require.NoError(t, proto.Unmarshal(m.Data, &postponed))
	require.Equal(t, "2026-06-01", postponed.GetPreviousStartDate())
	require.Equal(t, "salle indisponible", postponed.GetReason())

	t.Run("list: by centre, title and dates", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			req  *assessmentv1.ListSessionsRequest
			want int
		}{
			{"the centre's own", &assessmentv1.ListSessionsRequest{CentreId: centre.Centre}, 1},
			{"another centre's, for this centre", &assessmentv1.ListSessionsRequest{CentreId: otherCentre.Centre}, 0},
			{"by title", &assessmentv1.ListSessionsRequest{TitleId: "TP-00495"}, 1},
			{"running in the range", &assessmentv1.ListSessionsRequest{FromDate: "2026-06-16", ToDate: "2026-06-30"}, 1},
			{"before the postponed dates", &assessmentv1.ListSessionsRequest{FromDate: "2026-06-01", ToDate: "2026-06-14"}, 0},
		} {
			list, err := e.client.ListSessions(ctx, tt.req, e.as(t, centre))
			require.NoError(t, err, tt.name)
			require.Len(t, list.GetSessions(), tt.want, tt.name)
		}
		_, err := e.client.ListSessions(ctx, &assessmentv1.ListSessionsRequest{FromDate: "2026-06-30", ToDate: "2026-06-01"}, e.as(t, centre))
		requireStatus(t, err, codes.InvalidArgument, "INVALID_ARGUMENT", "")
		_, err = e.client.ListSessions(ctx, &assessmentv1.ListSessionsRequest{FromDate: "juin"}, e.as(t, centre))
		requireStatus(t, err, codes.InvalidArgument, "INVALID_ARGUMENT", "")
	})

	t.Run("cancel: the reason is required", func(t *testing.T) {
		_, err := e.client.CancelSession(ctx, &assessmentv1.CancelSessionRequest{SessionId: sessionID}, e.as(t, centre))
		requireStatus(t, err, codes.InvalidArgument, "INVALID_ARGUMENT", "")
	})
	c, err := e.client.CancelSession(ctx, &assessmentv1.CancelSessionRequest{SessionId: sessionID, Reason: "centre fermé"}, e.as(t, centre))
	require.NoError(t, err)
	require.Equal(t, assessmentv1.SessionState_SESSION_STATE_CANCELLED, c.GetSession().GetState())
	cy, err := e.client.GetCandidacy(ctx, &assessmentv1.GetCandidacyRequest{SessionId: sessionID, CandidacyId: candidacyID}, e.as(t, centre))
	require.NoError(t, err)
	require.NotNil(t, cy.GetCandidacy().GetReleaseTime(), "the candidacy is released")
	m = published(t, e, "titrepro.assessment.v1.session_cancelled", "sessions/"+sessionID)
	var cancelled assessmentv1.SessionCancelled
	require.NoError(t, proto.Unmarshal(m.Data, &cancelled))
	require.Equal(t, "centre fermé", cancelled.GetReason())
	require.Len(t, cancelled.GetReleasedCandidacies(), 1)
	require.Equal(t, candidacyID, cancelled.GetReleasedCandidacies()[0].GetCandidacyId())
	require.Equal(t, candidateID, cancelled.GetReleasedCandidacies()[0].GetCandidateId())
	require.ElementsMatch(t, []string{"juror-1", "juror-2"}, cancelled.GetJurorSubjects())

	t.Run("nothing changes after the cancellation", func(t *testing.T) {
		_, err := e.client.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: sessionID, Juror: jurorMsg("juror-3")}, e.as(t, centre))
		requireStatus(t, err, codes.FailedPrecondition, "SESSION_CANCELLED", "")
		_, err = e.client.CancelSession(ctx, &assessmentv1.CancelSessionRequest{SessionId: sessionID, Reason: "encore"}, e.as(t, centre))
		requireStatus(t, err, codes.FailedPrecondition, "SESSION_CANCELLED", "")
		_, err = e.client.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: sessionID}, e.as(t, centre))
		requireStatus(t, err, codes.FailedPrecondition, "SESSION_CANCELLED", "")
	})
}

// TestService_JurorAbsentOnTheDay: after opening, a juror absent on the
// day is withdrawn with a reason, the jury can no longer deliberate (R19),
// a replacement is added (R16 and R21 checked again) and, once they have
// evaluated (R49), the jury deliberates and signs.
func TestService_JurorAbsentOnTheDay(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	sessionID, candidacyID := planned(t, e)
	submitDossier(t, e, sessionID, candidacyID)
	_, err := e.client.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: sessionID}, e.as(t, centre))
	require.NoError(t, err)
	evaluate(t, e, juror1, "me", sessionID, candidacyID)
	juror3 := auth.Principal{Subject: "juror-3", Roles: []auth.Role{auth.RoleJuror}}

	_, err = e.client.RemoveJuror(ctx, &assessmentv1.RemoveJurorRequest{SessionId: sessionID, JurorSubject: "juror-2"}, e.as(t, centre))
	requireStatus(t, err, codes.InvalidArgument, "INVALID_ARGUMENT", "")
	_, err = e.client.RemoveJuror(ctx, &assessmentv1.RemoveJurorRequest{SessionId: sessionID, JurorSubject: "juror-2",
		Reason: "absent le jour de la session"}, e.as(t, centre))
	require.NoError(t, err)
	m := published(t, e, "titrepro.assessment.v1.juror_unassigned", "sessions/"+sessionID+"/jurors/juror-2")
	var gone assessmentv1.JurorUnassigned
	require.NoError(t, proto.Unmarshal(m.Data, &gone))
	require.True(t, gone.GetAfterOpening())
	require.Equal(t, "absent le jour de la session", gone.GetReason())

	_, err = e.client.DeliberateCandidacy(ctx, partialDecision(sessionID, candidacyID), e.as(t, juror1))
	requireStatus(t, err, codes.FailedPrecondition, "JURY_TOO_SMALL", "R19")
	_, err = e.client.DeliberateCandidacy(ctx, partialDecision(sessionID, candidacyID), e.as(t, juror2))
	requireStatus(t, err, codes.PermissionDenied, "JUROR_NOT_ASSIGNED", "")

	linked := jurorMsg("juror-3", &assessmentv1.DeclaredLink{Kind: assessmentv1.LinkKind_LINK_KIND_TRAINING_ORGANISATION, Value: "AFPA Lyon"})
	_, err = e.client.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: sessionID, Juror: linked}, e.as(t, centre))
	requireStatus(t, err, codes.FailedPrecondition, "JUROR_CONFLICT_OF_INTEREST", "R21")
	// juror-4's habilitation in the register ends on 2026-06-02, before the session does.
	_, err = e.client.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: sessionID, Juror: jurorMsg("juror-4")}, e.as(t, centre))
	requireStatus(t, err, codes.FailedPrecondition, "HABILITATION_NOT_COVERING", "R16")
	_, err = e.client.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: sessionID, Juror: jurorMsg("juror-3")}, e.as(t, centre))
	require.NoError(t, err)
	m = published(t, e, "titrepro.assessment.v1.juror_assigned", "sessions/"+sessionID+"/jurors/juror-3")
	var joined assessmentv1.JurorAssigned
	require.NoError(t, proto.Unmarshal(m.Data, &joined))
	require.True(t, joined.GetAfterOpening())

	_, err = e.client.DeliberateCandidacy(ctx, partialDecision(sessionID, candidacyID), e.as(t, juror1))
	requireStatus(t, err, codes.FailedPrecondition, "EVALUATION_MISSING", "R49")
	evaluate(t, e, juror3, "me", sessionID, candidacyID)
	_, err = e.client.DeliberateCandidacy(ctx, partialDecision(sessionID, candidacyID), e.as(t, juror3))
	require.NoError(t, err)
	mins, err := e.client.GetMinutes(ctx, &assessmentv1.GetMinutesRequest{SessionId: sessionID}, e.as(t, juror1))
	require.NoError(t, err)
	_, err = e.client.SignMinutes(ctx, &assessmentv1.SignMinutesRequest{SessionId: sessionID, ContentHash: mins.GetMinutes().GetContentHash()}, e.as(t, juror1))
	require.NoError(t, err)
	signed, err := e.client.SignMinutes(ctx, &assessmentv1.SignMinutesRequest{SessionId: sessionID, ContentHash: mins.GetMinutes().GetContentHash()}, e.as(t, juror3))
	require.NoError(t, err)
	require.Len(t, signed.GetMinutes().GetSignatures(), 2, "the absent juror does not sign")
	s, err := e.client.GetSession(ctx, &assessmentv1.GetSessionRequest{SessionId: sessionID}, e.as(t, centre))
	require.NoError(t, err)
	require.Equal(t, assessmentv1.SessionState_SESSION_STATE_CLOSED, s.GetSession().GetState())
}
