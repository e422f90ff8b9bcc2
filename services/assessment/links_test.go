package assessment_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/auth"
)

// TestService_JurorDeclaresLinks: a juror declares their own links (R21),
// nobody else does for them; a link with the candidate's training
// organisation, declared after the juror evaluated, recuses them from the
// candidacy (reading, evaluating, deliberating), their evaluation no
// longer counts (R49) and the two other jurors deliberate (R19); the
// events tell the portfolio service and the ministry.
func TestService_JurorDeclaresLinks(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	sessionID, candidacyID := planned(t, e)
	juror3 := auth.Principal{Subject: "juror-3", Roles: []auth.Role{auth.RoleJuror}}
	_, err := e.client.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: sessionID, Juror: jurorMsg("juror-3")}, e.as(t, centre))
	require.NoError(t, err)
	afpa := []*assessmentv1.DeclaredLink{{Kind: assessmentv1.LinkKind_LINK_KIND_TRAINING_ORGANISATION, Value: "afpa  lyon"}}
	declare := func(p auth.Principal, subject string, links []*assessmentv1.DeclaredLink) (*assessmentv1.DeclareJurorLinksResponse, error) {
		return e.client.DeclareJurorLinks(ctx, &assessmentv1.DeclareJurorLinksRequest{SessionId: sessionID, JurorSubject: subject, Links: links}, e.as(t, p))
	}

	t.Run("R21: another juror cannot declare for them, nor the centre or the ministry", func(t *testing.T) {
		_, err := declare(juror2, "juror-1", afpa)
		requireStatus(t, err, codes.PermissionDenied, "JUROR_LINKS_ACCESS_DENIED", "R21")
		for _, p := range []auth.Principal{centre, ministry} {
			_, err := declare(p, "juror-1", afpa)
			requireStatus(t, err, codes.PermissionDenied, "SESSION_ACCESS_DENIED", "")
		}
		_, err = declare(outsider, "me", afpa)
		requireStatus(t, err, codes.PermissionDenied, "JUROR_NOT_ASSIGNED", "")
		_, err = declare(juror1, "me", []*assessmentv1.DeclaredLink{{Kind: assessmentv1.LinkKind_LINK_KIND_UNSPECIFIED, Value: "x"}})
		requireStatus(t, err, codes.InvalidArgument, "INVALID_ARGUMENT", "")
	})

	submitDossier(t, e, sessionID, candidacyID)
	_, err = e.client.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: sessionID}, e.as(t, centre))
	require.NoError(t, err)
	evaluate(t, e, juror1, "me", sessionID, candidacyID)
	evaluate(t, e, juror2, "me", sessionID, candidacyID)

	got, err := declare(juror1, "me", afpa)
	require.NoError(t, err)
	require.Equal(t, []string{candidacyID}, got.GetRecusedCandidacyIds())
	require.NotNil(t, got.GetJuror().GetLinksDeclareTime())
	require.Equal(t, "afpa  lyon", got.GetJuror().GetDeclaredLinks()[0].GetValue())
	m := published(t, e, "titrepro.assessment.v1.juror_links_declared", "sessions/"+sessionID+"/jurors/juror-1")
	var declared assessmentv1.JurorLinksDeclared
	require.NoError(t, proto.Unmarshal(m.Data, &declared))
	require.Equal(t, []string{candidacyID}, declared.GetRecusedCandidacyIds())
	m = published(t, e, "titrepro.assessment.v1.candidacy_recusals_changed", "sessions/"+sessionID+"/candidacies/"+candidacyID)
	var recusals assessmentv1.CandidacyRecusalsChanged
	require.NoError(t, proto.Unmarshal(m.Data, &recusals))
	require.Equal(t, []string{"juror-1"}, recusals.GetJurorSubjects())

	// The recused juror neither reads nor deliberates on the candidacy.
	_, err = e.client.GetCandidacy(ctx, &assessmentv1.GetCandidacyRequest{SessionId: sessionID, CandidacyId: candidacyID}, e.as(t, juror1))
	requireStatus(t, err, codes.PermissionDenied, "JUROR_CONFLICT_OF_INTEREST", "R21")
	_, err = e.client.DeliberateCandidacy(ctx, partialDecision(sessionID, candidacyID), e.as(t, juror1))
	requireStatus(t, err, codes.PermissionDenied, "JUROR_CONFLICT_OF_INTEREST", "R21")
	// juror-1's evaluation no longer counts: juror-3's is needed (R49).
	_, err = e.client.DeliberateCandidacy(ctx, partialDecision(sessionID, candidacyID), e.as(t, juror2))
	requireStatus(t, err, codes.FailedPrecondition, "EVALUATION_MISSING", "R49")
	evaluate(t, e, juror3, "me", sessionID, candidacyID)
	_, err = e.client.DeliberateCandidacy(ctx, partialDecision(sessionID, candidacyID), e.as(t, juror2))
	require.NoError(t, err)

	// The centre and the ministry read the declaration; nobody changes it
	// once every candidacy is deliberated.
	jurors, err := e.client.ListJurors(ctx, &assessmentv1.ListJurorsRequest{SessionId: sessionID}, e.as(t, ministry))
	require.NoError(t, err)
	require.NotNil(t, jurors.GetJurors()[0].GetLinksDeclareTime())
	_, err = declare(juror1, "me", nil)
	requireStatus(t, err, codes.FailedPrecondition, "JUROR_LINKS_LOCKED", "R21")
}
