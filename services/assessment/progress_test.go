package assessment_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/dbtest"
)

// TestService_SessionProgress follows a session's scoring progress through
// the gRPC API, on SQLite and PostgreSQL: juror states and counts, what
// blocks each deliberation (R34, R49, R21), who may read it, and paging.
func TestService_SessionProgress(t *testing.T) {
	t.Parallel()
	for _, eng := range dbtest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			testSessionProgress(t, startOn(t, eng.URL(t)))
		})
	}
}

func testSessionProgress(t *testing.T, e *env) {
	ctx := context.Background()
	sessionID, camilleC := planned(t, e)

	// A second candidate, and a third juror whose declared link comes to
	// concern that candidate when their training organisation changes
	// after registration: juror-3 is recused from that candidacy (R21).
	const otherID = "0197a5d0-0000-7000-8000-0000000000c2"
	e.publishCandidate(t, otherID, "dominique@idp", "AFPA Lyon")
	other, err := e.client.CreateCandidacy(ctx, &assessmentv1.CreateCandidacyRequest{SessionId: sessionID,
		Candidacy: &assessmentv1.Candidacy{CandidateId: otherID}}, e.as(t, centre))
	require.NoError(t, err)
	otherC := other.GetCandidacy().GetId()
	_, err = e.client.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: sessionID, Juror: jurorMsg("juror-3",
		&assessmentv1.DeclaredLink{Kind: assessmentv1.LinkKind_LINK_KIND_TRAINING_ORGANISATION, Value: "GRETA Lyon"})}, e.as(t, centre))
	require.NoError(t, err)
	e.publish(t, "candidate", "titrepro.candidate.v1.candidate_updated", "assessment_candidates",
		&candidatev1.CandidateUpdated{EventId: "cand-upd-" + otherID, Version: 2, Candidate: &candidatev1.Candidate{
			Id: otherID, Subject: "dominique@idp", BirthName: "Durand", GivenNames: []string{"Dominique"},
			AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_TRAINING,
			Training:    &candidatev1.TrainingEnrolment{Organisation: "GRETA Lyon", TitleId: "TP-00495"},
		}}, "candidates/"+otherID)

	progress := func(p auth.Principal) map[string]*assessmentv1.CandidacyProgress {
		t.Helper()
		resp, err := e.client.GetSessionProgress(ctx, &assessmentv1.GetSessionProgressRequest{SessionId: sessionID}, e.as(t, p))
		require.NoError(t, err)
		require.Empty(t, resp.GetNextPageToken())
		out := map[string]*assessmentv1.CandidacyProgress{}
		for _, c := range resp.GetCandidacies() {
			out[c.GetCandidacyId()] = c
		}
		return out
	}

	// Before the opening: nothing can be deliberated yet.
	before := progress(centre)[camilleC]
	require.Equal(t, []string{"SESSION_NOT_IN_PROGRESS", "DOSSIER_MISSING", "EVALUATION_MISSING", "ENTRETIEN_FINAL_MISSING", "ECF_MISSING"}, reasons(before))

	submitDossier(t, e, sessionID, camilleC)
	_, err = e.client.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: sessionID}, e.as(t, centre))
	require.NoError(t, err)

	// juror-1 starts Camille's grid: two verdicts at the MSP, one at the
	// entretien final on a competence already assessed.
	msp, ef := certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE, certificationv1.EpreuveKind_EPREUVE_KIND_ENTRETIEN_FINAL
	_, err = e.client.UpdateEvaluation(ctx, &assessmentv1.UpdateEvaluationRequest{SessionId: sessionID, CandidacyId: camilleC, JurorSubject: "me",
		Evaluation: &assessmentv1.Evaluation{Etag: "0", Items: []*assessmentv1.EvaluationItem{
			{CompetenceCode: "CCP1-C1", Epreuve: msp, Verdict: assessmentv1.Verdict_VERDICT_MASTERED, Observation: "secret observation"},
			{CompetenceCode: "CCP1-C1", Epreuve: ef, Verdict: assessmentv1.Verdict_VERDICT_NOT_OBSERVED},
			{CompetenceCode: "CCP1-C2", Epreuve: msp, Verdict: assessmentv1.Verdict_VERDICT_NOT_MASTERED},
		}}}, e.as(t, juror1))
	require.NoError(t, err)

	all := progress(centre)
	require.Len(t, all, 2)
	camilleProgress := all[camilleC]
	require.Equal(t, "Durand Camille", camilleProgress.GetCandidateName())
	require.True(t, camilleProgress.GetDossierAttached())
	require.False(t, camilleProgress.GetDeliberated())
	// The grid of a session titre: 5 competences × 2 épreuves.
	require.Equal(t, []string{"juror-1 IN_PROGRESS 2/5 3/10", "juror-2 NOT_STARTED 0/5 0/10", "juror-3 NOT_STARTED 0/5 0/10"}, jurorLines(camilleProgress))
	require.Equal(t, []string{"EVALUATION_MISSING", "ENTRETIEN_FINAL_MISSING"}, reasons(camilleProgress))
	require.Equal(t, "R43", camilleProgress.GetBlockers()[1].GetRule())
	require.Equal(t, []string{"juror-2", "juror-3"}, camilleProgress.GetBlockers()[1].GetJurorSubjects(), "juror-1 gave a verdict at the entretien final")
	require.Equal(t, "R49", camilleProgress.GetBlockers()[0].GetRule())
	require.Equal(t, []string{"juror-1", "juror-2", "juror-3"}, camilleProgress.GetBlockers()[0].GetJurorSubjects())
	require.True(t, camilleProgress.GetBlockers()[0].GetWaivedIfAbsent())

	dominique := all[otherC]
	require.Equal(t, []string{"juror-1 NOT_STARTED 0/5 0/10", "juror-2 NOT_STARTED 0/5 0/10", "juror-3 RECUSED 0/0 0/0"}, jurorLines(dominique))
	require.Equal(t, []string{"DOSSIER_MISSING", "EVALUATION_MISSING", "ENTRETIEN_FINAL_MISSING", "ECF_MISSING"}, reasons(dominique))
	require.Equal(t, "R34", dominique.GetBlockers()[0].GetRule())
	require.Equal(t, []string{"juror-1", "juror-2"}, dominique.GetBlockers()[1].GetJurorSubjects(), "R21: a recused juror is not waited for")

	// Counts and states only: no verdict, no observation.
	raw, err := protojson.Marshal(camilleProgress)
	require.NoError(t, err)
	for _, secret := range []string{"MASTERED", "OBSERVED", "secret observation", "CCP1-C1"} {
		require.NotContains(t, string(raw), secret)
	}

	// Who reads it: the jury, without the candidacy a juror is recused
	// from (R21); ministry and admin; not the candidates, another centre or
	// a juror of another session, with the same answer for an unknown
	// session.
	require.Len(t, progress(juror1), 2)
	require.Len(t, progress(ministry), 2)
	require.Len(t, progress(auth.Principal{Subject: "root", Roles: []auth.Role{auth.RoleAdmin}}), 2)
	juror3 := progress(auth.Principal{Subject: "juror-3", Roles: []auth.Role{auth.RoleJuror}})
	require.Len(t, juror3, 1)
	require.Contains(t, juror3, camilleC)
	unknown := "0197a5d0-0000-7000-8000-00000000dead"
	for _, tt := range []struct {
		p       auth.Principal
		session string
		code    codes.Code
		reason  string
	}{
		{camille, sessionID, codes.PermissionDenied, "SESSION_ACCESS_DENIED"},
		{otherCentre, sessionID, codes.PermissionDenied, "SESSION_ACCESS_DENIED"},
		{otherCentre, unknown, codes.PermissionDenied, "SESSION_ACCESS_DENIED"},
		{outsider, sessionID, codes.PermissionDenied, "JUROR_NOT_ASSIGNED"},
		{ministry, unknown, codes.NotFound, "SESSION_NOT_FOUND"},
	} {
		_, err := e.client.GetSessionProgress(ctx, &assessmentv1.GetSessionProgressRequest{SessionId: tt.session}, e.as(t, tt.p))
		requireStatus(t, err, tt.code, tt.reason, "")
	}

	// Paging, by candidacy id, bounded like ListCandidacies.
	var paged []string
	token := ""
	for range 3 {
		resp, err := e.client.GetSessionProgress(ctx, &assessmentv1.GetSessionProgressRequest{SessionId: sessionID, PageSize: 1, PageToken: token}, e.as(t, centre))
		require.NoError(t, err)
		require.Len(t, resp.GetCandidacies(), 1)
		paged = append(paged, resp.GetCandidacies()[0].GetCandidacyId())
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	require.ElementsMatch(t, []string{camilleC, otherC}, paged)
	require.Less(t, paged[0], paged[1])
	_, err = e.client.GetSessionProgress(ctx, &assessmentv1.GetSessionProgressRequest{SessionId: sessionID, PageToken: "bogus"}, e.as(t, centre))
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	_, err = e.client.GetSessionProgress(ctx, &assessmentv1.GetSessionProgressRequest{SessionId: sessionID, PageSize: -1}, e.as(t, centre))
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	_, err = e.client.GetSessionProgress(ctx, &assessmentv1.GetSessionProgressRequest{SessionId: "not-an-id"}, e.as(t, centre))
	require.Equal(t, codes.InvalidArgument, status.Code(err))

	// Every juror completes Camille's grid; the jury deliberates; nothing
	// blocks any more.
	evaluate(t, e, juror2, "me", sessionID, camilleC)
	evaluate(t, e, auth.Principal{Subject: "juror-3", Roles: []auth.Role{auth.RoleJuror}}, "me", sessionID, camilleC)
	camilleProgress = progress(centre)[camilleC]
	require.Equal(t, []string{"juror-1 IN_PROGRESS 2/5 3/10", "juror-2 COMPLETE 5/5 6/10", "juror-3 COMPLETE 5/5 6/10"}, jurorLines(camilleProgress))
	require.Equal(t, []string{"juror-1"}, camilleProgress.GetBlockers()[0].GetJurorSubjects())
	// The deliberation is refused for the very reason the progress gives.
	_, err = e.client.DeliberateCandidacy(ctx, partialDecision(sessionID, camilleC), e.as(t, juror2))
	requireStatus(t, err, codes.FailedPrecondition, "EVALUATION_MISSING", "R49")
	got, err := e.client.GetEvaluation(ctx, &assessmentv1.GetEvaluationRequest{SessionId: sessionID, CandidacyId: camilleC, JurorSubject: "me"}, e.as(t, juror1))
	require.NoError(t, err)
	items := got.GetEvaluation().GetItems()
	for _, c := range got.GetEvaluation().GetMissingCompetences() {
		items = append(items, &assessmentv1.EvaluationItem{CompetenceCode: c, Epreuve: msp, Verdict: assessmentv1.Verdict_VERDICT_MASTERED})
	}
	_, err = e.client.UpdateEvaluation(ctx, &assessmentv1.UpdateEvaluationRequest{SessionId: sessionID, CandidacyId: camilleC, JurorSubject: "me",
		Evaluation: &assessmentv1.Evaluation{Etag: got.GetEvaluation().GetEtag(), Items: items}}, e.as(t, juror1))
	require.NoError(t, err)
	require.Empty(t, progress(centre)[camilleC].GetBlockers())
	_, err = e.client.DeliberateCandidacy(ctx, partialDecision(sessionID, camilleC), e.as(t, juror2))
	require.NoError(t, err)
	camilleProgress = progress(centre)[camilleC]
	require.True(t, camilleProgress.GetDeliberated())
	require.Empty(t, camilleProgress.GetBlockers())
	require.Equal(t, []string{"juror-1 COMPLETE 5/5 6/10", "juror-2 COMPLETE 5/5 6/10", "juror-3 COMPLETE 5/5 6/10"}, jurorLines(camilleProgress))
}

func reasons(c *assessmentv1.CandidacyProgress) []string {
	var out []string
	for _, b := range c.GetBlockers() {
		out = append(out, b.GetReason())
	}
	return out
}

// jurorLines writes each juror's progress as "subject STATE assessed/expected scored/cells".
func jurorLines(c *assessmentv1.CandidacyProgress) []string {
	var out []string
	for _, j := range c.GetJurors() {
		out = append(out, fmt.Sprintf("%s %s %d/%d %d/%d", j.GetJurorSubject(), strings.TrimPrefix(j.GetState().String(), "JUROR_PROGRESS_STATE_"),
			j.GetCompetencesAssessed(), j.GetCompetencesExpected(), j.GetItemsScored(), j.GetItemsExpected()))
	}
	return out
}
