package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// Regression tests, through REST, of the authorisation defects of issue 6
// (docs/authorisation.md).
func TestAuthorisationRegressions(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the all-in-one")
	}
	cfg := testConfig(t, t.TempDir())
	s := startServer(t, cfg)
	ctx := context.Background()

	t.Run("a candidate cannot submit onto another person's candidacy, nor into a session they are not registered in", func(t *testing.T) {
		a, b := newTestWorkflow(t, s), newTestWorkflow(t, s)
		candA, err := a.registerCandidate(ctx)
		must(t, err)
		sessionA, err := a.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
		must(t, err)
		candidacyA, err := a.registerCandidacy(ctx, sessionA, candA, nil)
		must(t, err)
		candB, err := b.registerCandidate(ctx)
		must(t, err)
		sessionB, err := b.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
		must(t, err)
		candidacyB, err := b.registerCandidacy(ctx, sessionB, candB, nil)
		must(t, err)
		dossierA, err := a.prepareDossier(ctx, candA)
		must(t, err)
		// A's own submission works (and proves the projections caught up
		// with A's candidacy).
		_, err = a.submitDossier(ctx, dossierA, sessionA, candidacyA)
		must(t, err)
		// B submits onto B's candidacy: the portfolio service knows it, so
		// the refusals below are about whose it is, not about delays.
		dossierB, err := b.prepareDossier(ctx, candB)
		must(t, err)
		_, err = b.submitDossier(ctx, dossierB, sessionB, candidacyB)
		must(t, err)

		for _, tc := range []struct{ name, session, candidacy string }{
			{"B's candidacy in B's session", sessionB, candidacyB},
			{"B's candidacy named with A's session", sessionA, candidacyB},
			{"B's session, no candidacy named", sessionB, ""},
		} {
			err := a.call(ctx, asCandidate, "POST", "/v1/dossiers/"+dossierA+":submit",
				&portfoliov1.SubmitDossierRequest{SessionId: tc.session, CandidacyId: tc.candidacy}, nil)
			if reasonOf(err) != "CANDIDACY_UNKNOWN" {
				t.Fatalf("%s: %v; want CANDIDACY_UNKNOWN", tc.name, err)
			}
		}
		// Nothing of A reached B's session: its juror lists B's snapshot only.
		list := &portfoliov1.ListSnapshotsResponse{}
		must(t, b.call(ctx, asJuror1, "GET", "/v1/dossiers/-/snapshots?session_id="+sessionB, nil, list))
		if n := len(list.GetSnapshots()); n != 1 || list.GetSnapshots()[0].GetCandidateId() != candB {
			t.Fatalf("B's juror lists %v in B's session; want B's snapshot only", list.GetSnapshots())
		}
	})

	t.Run("a centre cannot register another centre's candidate, and learns nothing of them", func(t *testing.T) {
		a, b := newTestWorkflow(t, s), newTestWorkflow(t, s)
		sessionA, err := a.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
		must(t, err)
		sessionB, err := b.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
		must(t, err)
		created := &candidatev1.CreateCandidateResponse{}
		must(t, b.call(ctx, asCentre, "POST", "/v1/candidates?request_id="+newUUID(), &candidatev1.Candidate{
			BirthName: "Secretname", GivenNames: []string{"Hidden"}, BirthDate: "1990-05-04",
			BirthPlace: &candidatev1.BirthPlace{Commune: "Lyon", CountryCode: "FR"}, Email: "hidden@example.org",
			AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_TRAINING, Training: &candidatev1.TrainingEnrolment{Organisation: "AFPA Lyon", TitleId: "TP-00495"},
		}, created))
		theirs := created.GetCandidate().GetId()
		// Centre B registers its own candidate: the record reached the
		// assessment service.
		_, err = b.registerCandidacy(ctx, sessionB, theirs, nil)
		must(t, err)

		answer := func(candidateID string) response {
			return s.call(t, "POST", "/v1/sessions/"+sessionA+"/candidacies", a.tokens[asCentre], map[string]any{"candidate_id": candidateID})
		}
		got, unknown := answer(theirs), answer(newUUID())
		if got.status != unknown.status || reasonIn(t, got) != reasonIn(t, unknown) || reasonIn(t, got) != "CANDIDATE_UNKNOWN" {
			t.Fatalf("another centre's candidate: %d %s; an unknown one: %d %s; want the same CANDIDATE_UNKNOWN",
				got.status, got.body, unknown.status, unknown.body)
		}
		if strings.Contains(string(got.body), "Secretname") || strings.Contains(string(got.body), "Hidden") {
			t.Fatalf("the refusal names the person: %s", got.body)
		}
		list := &assessmentv1.ListCandidaciesResponse{}
		must(t, a.call(ctx, asCentre, "GET", "/v1/sessions/"+sessionA+"/candidacies", nil, list))
		if n := len(list.GetCandidacies()); n != 0 {
			t.Fatalf("centre A's session holds %d candidacies; want 0", n)
		}
	})

	t.Run("admin, an operator role, cannot publish a title referential", func(t *testing.T) {
		admin := s.mustToken(t, "admin", "operator-1", "")
		got := s.call(t, "POST", "/v1/titles:import", admin, map[string]any{"referentiel_yaml": "code: TP-99999\n"})
		if got.status != http.StatusForbidden {
			t.Fatalf("admin import = %d %s; want 403", got.status, got.body)
		}
	})

	t.Run("R21: a juror recused from a candidacy reads nothing of it", func(t *testing.T) {
		w := newTestWorkflow(t, s)
		candidateID, err := w.registerCandidate(ctx)
		must(t, err)
		sessionID, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
		must(t, err)
		linked := "demo-juror-3-" + randomSuffix()
		token, number, err := w.enrolJuror(ctx, linked, "Juré 3")
		must(t, err)
		must(t, w.addJuror(ctx, sessionID, linked, number,
			[]*assessmentv1.DeclaredLink{{Kind: assessmentv1.LinkKind_LINK_KIND_TRAINING_ORGANISATION, Value: "GRETA Lyon Métropole"}}))
		w.tokens["juror-3"] = token
		candidacyID, err := w.registerCandidacy(ctx, sessionID, candidateID, nil)
		must(t, err)
		dossierID, err := w.prepareDossier(ctx, candidateID)
		must(t, err)
		snap, err := w.submitDossier(ctx, dossierID, sessionID, candidacyID)
		must(t, err)
		docID := snap.GetContent().GetDocuments()[0].GetId()
		reads := []string{
			"/v1/sessions/" + sessionID + "/candidacies/" + candidacyID,
			"/v1/dossiers/" + dossierID + "/snapshots/" + snap.GetId(),
			"/v1/dossiers/" + dossierID + "/documents/" + docID + "/content?snapshot_id=" + snap.GetId(),
		}
		for _, path := range reads {
			if got := s.call(t, "GET", path, w.tokens["juror-3"], nil); got.status != http.StatusOK {
				t.Fatalf("before the link: GET %s = %d %s", path, got.status, got.body)
			}
		}

		// The candidate moves to the training organisation juror 3
		// declared a link with.
		cur := &candidatev1.GetCandidateResponse{}
		must(t, w.call(ctx, asCandidate, "GET", "/v1/candidates/"+candidateID, nil, cur))
		must(t, w.call(ctx, asCandidate, "PATCH", "/v1/candidates/"+candidateID+"?update_mask=training.organisation",
			&candidatev1.Candidate{Etag: cur.GetCandidate().GetEtag(), Training: &candidatev1.TrainingEnrolment{Organisation: "greta  lyon métropole"}}, nil))

		for _, path := range reads {
			eventually(t, "juror 3 refused "+path, func() bool {
				return s.call(t, "GET", path, w.tokens["juror-3"], nil).status == http.StatusForbidden
			})
		}
		candidacies := &assessmentv1.ListCandidaciesResponse{}
		must(t, w.c.call(ctx, "juror-3", w.tokens["juror-3"], "GET", "/v1/sessions/"+sessionID+"/candidacies", nil, candidacies))
		snapshots := &portfoliov1.ListSnapshotsResponse{}
		must(t, w.c.call(ctx, "juror-3", w.tokens["juror-3"], "GET", "/v1/dossiers/-/snapshots?session_id="+sessionID, nil, snapshots))
		if len(candidacies.GetCandidacies()) != 0 || len(snapshots.GetSnapshots()) != 0 {
			t.Fatalf("juror 3 lists %d candidacies and %d snapshots; want none", len(candidacies.GetCandidacies()), len(snapshots.GetSnapshots()))
		}
		// The other jurors and the centre still read it.
		for _, who := range []string{asJuror1, asCentre} {
			for _, path := range reads {
				if got := s.call(t, "GET", path, w.tokens[who], nil); got.status != http.StatusOK {
					t.Fatalf("%s: GET %s = %d %s", who, path, got.status, got.body)
				}
			}
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func reasonIn(t *testing.T, r response) string {
	t.Helper()
	m := r.json(t)
	details, _ := m["details"].([]any)
	for _, d := range details {
		if dm, ok := d.(map[string]any); ok {
			if reason, ok := dm["reason"].(string); ok {
				return reason
			}
		}
	}
	return fmt.Sprint(m["message"])
}
