package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
)

// TestEndToEndProlongation plays R6 through REST on the all-in-one. The
// seeded TP-00495 has no end of validity, so the ministry imports a title
// (TP-99997, the seed under another code) whose validity ends in ten days
// and approves the centre for it: a session declared now may be held in
// the délai de prolongation, and there a trainee for the title since
// before its end is registered while a candidate whose training start is
// unknown (and who never sat the title) is refused, naming R6.
func TestEndToEndProlongation(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the all-in-one")
	}
	s := startServer(t, testConfig(t, t.TempDir()))
	w := newTestWorkflow(t, s)
	ctx := context.Background()
	today := time.Now().UTC()
	day := func(months, days int) string { return today.AddDate(0, months, days).Format(time.DateOnly) }
	end := day(0, 10)

	seed, err := os.ReadFile(filepath.Join("..", "..", "referentiels", "tp-00495-tsgeri.yaml"))
	must(t, err)
	doc := strings.Replace(string(seed), "code: TP-00495", "code: TP-99997", 1)
	doc = strings.Replace(doc, "status: ACTIVE", "valid_to: \""+end+"\"\nstatus: ACTIVE", 1)
	imported := &certificationv1.ImportTitleResponse{}
	must(t, w.call(ctx, asMinistry, "POST", "/v1/titles:import", &certificationv1.ImportTitleRequest{
		ReferentielYaml: doc, SourceName: "tp-99997.yaml"}, imported))
	title := imported.GetTitle()
	if title.GetValidTo() != end {
		t.Fatalf("imported title = %v; want valid_to %s", title, end)
	}
	must(t, w.call(ctx, asMinistry, "POST", "/v1/agrements", &certificationv1.Agrement{
		Id: "AGR-69-P-" + w.run, CentreId: w.centreID, TitleId: title.GetId(), TitleVersion: title.GetVersion(),
		Site: workflowSite, ValidFrom: day(-12, 0), ValidTo: end,
	}, nil))

	sessionID := ""
	must(t, retryWhile(ctx, append([]string{"TITLE_UNKNOWN"}, registerReasons...), func() error {
		resp := &assessmentv1.CreateSessionResponse{}
		err := w.call(ctx, asCentre, "POST", "/v1/sessions", &assessmentv1.Session{
			Type: assessmentv1.SessionType_SESSION_TYPE_TITRE, TitleId: title.GetId(), TitleVersion: title.GetVersion(),
			Site: workflowSite, StartDate: day(3, 0), EndDate: day(3, 1),
		}, resp)
		sessionID = resp.GetSession().GetId()
		return err
	}))

	trainee := func(name, start string) string {
		t.Helper()
		resp := &candidatev1.CreateCandidateResponse{}
		must(t, w.call(ctx, asCentre, "POST", "/v1/candidates?request_id="+newUUID(), &candidatev1.Candidate{
			BirthName: name, GivenNames: []string{"Alex"}, BirthDate: "1992-02-02",
			BirthPlace: &candidatev1.BirthPlace{Commune: "Lyon", CountryCode: "FR"}, Email: name + "@example.org",
			AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_TRAINING,
			Training:    &candidatev1.TrainingEnrolment{Organisation: "AFPA Lyon", TitleId: title.GetId(), StartDate: start},
		}, resp))
		return resp.GetCandidate().GetId()
	}
	register := func(candidateID string) error {
		return retryWhile(ctx, eventualReasons, func() error {
			return w.call(ctx, asCentre, "POST", "/v1/sessions/"+sessionID+"/candidacies", &assessmentv1.Candidacy{CandidateId: candidateID}, nil)
		})
	}
	must(t, register(trainee("Bastien", day(-6, 0))))
	err = register(trainee("Chloe", ""))
	assertRefused(t, err, http.StatusBadRequest, "R6")
	if reasonOf(err) != "PROLONGATION_NOT_ELIGIBLE" {
		t.Fatalf("registration of a newcomer in the délai = %v; want PROLONGATION_NOT_ELIGIBLE", err)
	}
}
