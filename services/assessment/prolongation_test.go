package assessment_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// TestService_ProlongationCandidates registers candidates over gRPC to a
// session in the délai de prolongation of a title version that ends in ten
// days (R6): a trainee for the title since before its end is admitted, a
// candidate whose training start is unknown (and who never sat the title)
// is refused; a session within the validity holding that candidate cannot
// be postponed into the délai.
func TestService_ProlongationCandidates(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	e.publishTitle(t)
	today := time.Now().UTC()
	day := func(months, days int) string { return today.AddDate(0, months, days).Format(time.DateOnly) }
	end := day(0, 10)
	e.publish(t, "certification", "titrepro.certification.v1.title_version_published", "assessment_titles",
		&certificationv1.TitleVersionPublished{EventId: "title-ending", Title: &certificationv1.Title{
			Id: "TP-00495", Version: "2019", ValidFrom: "2019-01-01", ValidTo: end,
			Ccps: []*certificationv1.Ccp{{Code: "CCP1", Competences: []*certificationv1.Competence{{Code: "CCP1-C1"}}}}}}, "titles/TP-00495")
	e.publish(t, "certification", "titrepro.certification.v1.agrement_granted", "assessment_registers",
		&certificationv1.AgrementGranted{EventId: "agr-ending", Agrement: &certificationv1.Agrement{
			Id: "AGR-ENDING", CentreId: centre.Centre, TitleId: "TP-00495", TitleVersion: "2019", Site: registerSite,
			ValidFrom: "2020-01-01", ValidTo: end, State: certificationv1.RegisterState_REGISTER_STATE_GRANTED, Version: 1}},
		"agrements/AGR-ENDING")
	const (
		trainee  = "0197a5d0-0000-7000-8000-0000000000e1" // training for TP-00495 since 2025-09-01
		newcomer = "0197a5d0-0000-7000-8000-0000000000e2" // training for TP-00495, start not given
	)
	e.publishTrainee(t, trainee, "lou@idp", "TP-00495")
	e.publishCandidate(t, newcomer, "sam@idp", "AFPA Lyon")
	plan := func(start, last string) string {
		t.Helper()
		s := titreSession()
		s.TitleVersion, s.StartDate, s.EndDate, s.DossierDeadline = "2019", start, last, ""
		created, err := e.client.CreateSession(ctx, &assessmentv1.CreateSessionRequest{Session: s}, e.as(t, centre))
		require.NoError(t, err)
		return created.GetSession().GetId()
	}
	register := func(sessionID, candidateID string) error {
		_, err := e.client.CreateCandidacy(ctx, &assessmentv1.CreateCandidacyRequest{SessionId: sessionID,
			Candidacy: &assessmentv1.Candidacy{CandidateId: candidateID}}, e.as(t, centre))
		return err
	}

	delai := plan(day(3, 0), day(3, 1))
	require.NoError(t, register(delai, trainee), "R6: in training for the title since before its end")
	requireStatus(t, register(delai, newcomer), codes.FailedPrecondition, "PROLONGATION_NOT_ELIGIBLE", "R6")

	within := plan(day(0, 2), day(0, 3))
	require.NoError(t, register(within, newcomer), "R6: a session within the validity is not concerned")
	_, err := e.client.PostponeSession(ctx, &assessmentv1.PostponeSessionRequest{SessionId: within,
		StartDate: day(1, 0), EndDate: day(1, 1), Reason: "Salle indisponible."}, e.as(t, centre))
	requireStatus(t, err, codes.FailedPrecondition, "PROLONGATION_NOT_ELIGIBLE", "R6")
}
