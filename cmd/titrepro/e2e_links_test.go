package main

import (
	"context"
	"slices"
	"testing"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// TestEndToEndJurorDeclaresLinks: through REST on the all-in-one, a juror
// of an opened session declares a link with the candidate's training
// organisation (R21); nobody else may declare for them. They are then
// refused the candidacy, its dossier and its deliberation, and the
// deliberation needs the two other jurors' evaluations (R19, R49).
func TestEndToEndJurorDeclaresLinks(t *testing.T) {
	s := startServer(t, testConfig(t, t.TempDir()))
	w := newTestWorkflow(t, s)
	ctx := context.Background()

	candidateID, err := w.registerCandidate(ctx) // trained at AFPA Lyon
	if err != nil {
		t.Fatal(err)
	}
	scope := w.ccpCodes()
	sessionID, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	if err != nil {
		t.Fatal(err)
	}
	juror3 := "demo-juror-3-" + randomSuffix()
	juror3Token, number, err := w.enrolJuror(ctx, juror3, "Juré trois")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.addJuror(ctx, sessionID, juror3, number, nil); err != nil {
		t.Fatal(err)
	}
	candidacyID, err := w.registerCandidacy(ctx, sessionID, candidateID, nil)
	if err != nil {
		t.Fatal(err)
	}
	dossierID, err := w.prepareDossier(ctx, candidateID)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := w.submitDossier(ctx, dossierID, sessionID, candidacyID)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.open(ctx, sessionID); err != nil {
		t.Fatal(err)
	}
	candidacyPath := "/v1/sessions/" + sessionID + "/candidacies/" + candidacyID
	snapshotPath := "/v1/dossiers/" + dossierID + "/snapshots/" + snap.GetId()
	if err := w.call(ctx, asJuror1, "GET", candidacyPath, nil, &assessmentv1.GetCandidacyResponse{}); err != nil {
		t.Fatalf("juror 1 reads the candidacy before declaring: %v", err)
	}
	if err := w.call(ctx, asJuror1, "GET", snapshotPath, nil, &portfoliov1.GetSnapshotResponse{}); err != nil {
		t.Fatalf("juror 1 reads the dossier before declaring: %v", err)
	}

	link := &assessmentv1.DeclareJurorLinksRequest{Links: []*assessmentv1.DeclaredLink{
		{Kind: assessmentv1.LinkKind_LINK_KIND_TRAINING_ORGANISATION, Value: "AFPA Lyon"}}}
	juror1Path := "/v1/sessions/" + sessionID + "/jurors/" + w.subjects[asJuror1] + ":declareLinks"
	// Only the juror declares their links.
	if err := w.call(ctx, asJuror2, "POST", juror1Path, link, nil); reasonOf(err) != "JUROR_LINKS_ACCESS_DENIED" {
		t.Fatalf("juror 2 declaring juror 1's links = %v; want JUROR_LINKS_ACCESS_DENIED", err)
	}
	for _, who := range []string{asCentre, asMinistry} {
		if err := w.call(ctx, who, "POST", juror1Path, link, nil); reasonOf(err) != "SESSION_ACCESS_DENIED" {
			t.Fatalf("%s declaring juror 1's links = %v; want SESSION_ACCESS_DENIED", who, err)
		}
	}
	declared := &assessmentv1.DeclareJurorLinksResponse{}
	if err := w.call(ctx, asJuror1, "POST", "/v1/sessions/"+sessionID+"/jurors/me:declareLinks", link, declared); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(declared.GetRecusedCandidacyIds(), []string{candidacyID}) || declared.GetJuror().GetLinksDeclareTime() == nil {
		t.Fatalf("declaration = %v; want juror 1 recused from %s", declared, candidacyID)
	}
	var ev assessmentv1.JurorLinksDeclared
	lastAssessmentEvent(t, s, "titrepro.assessment.v1.juror_links_declared", "sessions/"+sessionID+"/jurors/"+w.subjects[asJuror1], &ev)
	var recusals assessmentv1.CandidacyRecusalsChanged
	lastAssessmentEvent(t, s, "titrepro.assessment.v1.candidacy_recusals_changed", "sessions/"+sessionID+"/candidacies/"+candidacyID, &recusals)
	if !slices.Equal(recusals.GetJurorSubjects(), []string{w.subjects[asJuror1]}) {
		t.Fatalf("CandidacyRecusalsChanged = %v", &recusals)
	}

	// Juror 1 no longer reads the candidacy nor its dossier, nor deliberates.
	if err := w.call(ctx, asJuror1, "GET", candidacyPath, nil, &assessmentv1.GetCandidacyResponse{}); reasonOf(err) != "JUROR_CONFLICT_OF_INTEREST" {
		t.Fatalf("the recused juror reading the candidacy = %v; want JUROR_CONFLICT_OF_INTEREST", err)
	}
	eventually(t, "the portfolio service hides the dossier from the recused juror", func() bool {
		return w.call(ctx, asJuror1, "GET", snapshotPath, nil, &portfoliov1.GetSnapshotResponse{}) != nil
	})
	if _, err := w.deliberate(ctx, sessionID, candidacyID, scope, nil); reasonOf(err) != "JUROR_CONFLICT_OF_INTEREST" {
		t.Fatalf("the recused juror deliberating = %v; want JUROR_CONFLICT_OF_INTEREST", err)
	}

	// The deliberation needs the two other jurors: juror 3 takes juror 1's
	// place in the workflow.
	w.subjects[asJuror1], w.tokens[asJuror1] = juror3, juror3Token
	if _, err := w.deliberate(ctx, sessionID, candidacyID, scope, nil); reasonOf(err) != "EVALUATION_MISSING" {
		t.Fatalf("deliberating before the free jurors evaluated = %v; want EVALUATION_MISSING", err)
	}
	if err := w.evaluate(ctx, sessionID, candidacyID, scope, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.deliberate(ctx, sessionID, candidacyID, scope, nil); err != nil {
		t.Fatalf("the two free jurors deliberating = %v", err)
	}
}
