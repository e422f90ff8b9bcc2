package main

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
)

// TestEndToEndCandidaciesThatChange drives, through REST on the
// all-in-one, the candidacies of a season that change: a disability
// adjustment authorised before the session (R46), an ineligible
// registration refused with its rule (R24), a transfer to another session
// of the centre, a withdrawal by the candidate, and a candidate absent
// from every épreuve who appears ABSENT in the signed minutes while the
// transferred candidacy does not appear at all.
func TestEndToEndCandidaciesThatChange(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the all-in-one")
	}
	s := startServer(t, testConfig(t, t.TempDir()))
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)

	// Camille registers herself; the centre registers Bastien, Chloé and
	// Damien, whose training prepares another title.
	camille, err := w.registerCandidate(ctx)
	must(err)
	byCentre := func(name, titleID string) string {
		t.Helper()
		resp := &candidatev1.CreateCandidateResponse{}
		must(w.call(ctx, asCentre, "POST", "/v1/candidates?request_id="+newUUID(), &candidatev1.Candidate{
			BirthName: name, GivenNames: []string{"Alex"}, BirthDate: "1992-02-02",
			BirthPlace: &candidatev1.BirthPlace{Commune: "Lyon", CountryCode: "FR"}, Email: name + "@example.org",
			AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_TRAINING,
			Training:    &candidatev1.TrainingEnrolment{Organisation: "AFPA Lyon", TitleId: titleID, StartDate: yesterday},
		}, resp))
		return resp.GetCandidate().GetId()
	}
	bastien, chloe, damien := byCentre("Bastien", w.title.GetId()), byCentre("Chloe", w.title.GetId()), byCentre("Damien", "TP-01281")

	first, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	must(err)
	second, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	must(err)
	cCamille, err := w.registerCandidacy(ctx, first, camille, nil)
	must(err)
	cBastien, err := w.registerCandidacy(ctx, first, bastien, nil)
	must(err)
	cChloe, err := w.registerCandidacy(ctx, first, chloe, nil)
	must(err)
	cCamille2, err := w.registerCandidacy(ctx, second, camille, nil)
	must(err)

	// R24: Damien's training does not prepare the session's title.
	err = retryWhile(ctx, eventualReasons, func() error {
		return w.call(ctx, asCentre, "POST", "/v1/sessions/"+first+"/candidacies", &assessmentv1.Candidacy{CandidateId: damien}, nil)
	})
	var ae *apiError
	if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusBadRequest && ae.HTTPStatus != http.StatusPreconditionFailed ||
		ae.Reason != "TRAINING_NOT_FOR_TITLE" || ae.Rule != "R24" {
		t.Fatalf("registration of a candidate trained for another title = %v; want TRAINING_NOT_FOR_TITLE (R24)", err)
	}

	// R46: Chloé's extra time, a third of the épreuve at most, authorised
	// before the session; shown on her candidacy.
	adjustment := &assessmentv1.Adjustment{Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE,
		ExtraMinutes: 90, EpreuveMinutes: 240, AuthorisationReference: "MDPH-69-2026-0042", AuthorisationDate: yesterday}
	err = w.call(ctx, asCentre, "POST", "/v1/sessions/"+first+"/candidacies/"+cChloe+"/adjustments", adjustment, nil)
	if !errors.As(err, &ae) || ae.Reason != "ADJUSTMENT_EXCEEDS_A_THIRD" || ae.Rule != "R46" {
		t.Fatalf("90 minutes on 240 = %v; want ADJUSTMENT_EXCEEDS_A_THIRD (R46)", err)
	}
	adjustment.ExtraMinutes = 80
	must(w.call(ctx, asCentre, "POST", "/v1/sessions/"+first+"/candidacies/"+cChloe+"/adjustments", adjustment, nil))
	got := &assessmentv1.GetCandidacyResponse{}
	must(w.call(ctx, asCentre, "GET", "/v1/sessions/"+first+"/candidacies/"+cChloe, nil, got))
	if a := got.GetCandidacy().GetAdjustments(); len(a) != 1 || a[0].GetExtraMinutes() != 80 || a[0].GetAuthorisationReference() != "MDPH-69-2026-0042" {
		t.Fatalf("adjustments = %v", a)
	}

	// Bastien moves to the second session.
	moved := &assessmentv1.TransferCandidacyResponse{}
	must(w.call(ctx, asCentre, "POST", "/v1/sessions/"+first+"/candidacies/"+cBastien+":transfer",
		&assessmentv1.TransferCandidacyRequest{TargetSessionId: second, Reason: "Report demandé par le candidat."}, moved))
	if moved.GetTo().GetSessionId() != second || moved.GetFrom().GetWithdrawal().GetTransferredTo().GetCandidacyId() != moved.GetTo().GetId() {
		t.Fatalf("transfer = %v", moved)
	}

	// Camille withdraws from the second session herself.
	withdrawn := &assessmentv1.WithdrawCandidacyResponse{}
	must(w.call(ctx, asCandidate, "POST", "/v1/sessions/"+second+"/candidacies/"+cCamille2+":withdraw",
		&assessmentv1.WithdrawCandidacyRequest{Reason: "Je me présente à la première session."}, withdrawn))
	if !withdrawn.GetCandidacy().GetWithdrawal().GetByCandidate() {
		t.Fatalf("withdrawal = %v", withdrawn.GetCandidacy().GetWithdrawal())
	}

	// The first session: Camille sits it, Chloé is absent from every épreuve.
	dossier, err := w.prepareDossier(ctx, camille)
	must(err)
	_, err = w.submitDossier(ctx, dossier, first, cCamille)
	must(err)
	must(w.open(ctx, first))
	all := w.ccpCodes()
	must(w.evaluate(ctx, first, cCamille, all, nil))
	_, err = w.deliberate(ctx, first, cCamille, all, nil)
	must(err)
	marks := &assessmentv1.RecordAttendanceRequest{}
	for _, e := range w.title.GetEpreuves() {
		for _, st := range e.GetSessionTypes() {
			if st == certificationv1.SessionType_SESSION_TYPE_TITRE {
				marks.Attendance = append(marks.Attendance, &assessmentv1.Attendance{Epreuve: e.GetKind()})
			}
		}
	}
	must(w.call(ctx, asJuror2, "POST", "/v1/sessions/"+first+"/candidacies/"+cChloe+":recordAttendance", marks, nil))
	err = w.call(ctx, asJuror1, "POST", "/v1/sessions/"+first+"/candidacies/"+cChloe+":deliberate", &assessmentv1.DeliberateCandidacyRequest{
		CcpDecisions: []*assessmentv1.CcpDecision{{CcpCode: all[0], Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED}}}, nil)
	if reasonOf(err) != "CANDIDATE_RECORDED_ABSENT" {
		t.Fatalf("decisions on an absent candidate = %v; want CANDIDATE_RECORDED_ABSENT", err)
	}
	must(w.call(ctx, asJuror1, "POST", "/v1/sessions/"+first+"/candidacies/"+cChloe+":deliberate", &assessmentv1.DeliberateCandidacyRequest{Absent: true}, nil))

	minutes, err := w.signMinutes(ctx, first)
	must(err)
	lines := map[string]*assessmentv1.MinutesLine{}
	for _, l := range minutes.GetLines() {
		lines[l.GetCandidacyId()] = l
	}
	if len(lines) != 2 || lines[cCamille].GetTitleOutcome() != assessmentv1.TitleOutcome_TITLE_OUTCOME_AWARDED ||
		lines[cChloe].GetTitleOutcome() != assessmentv1.TitleOutcome_TITLE_OUTCOME_ABSENT || len(lines[cChloe].GetCcpDecisions()) != 0 {
		t.Fatalf("minutes lines = %v; want Camille AWARDED and Chloé ABSENT, Bastien's transferred candidacy left out", minutes.GetLines())
	}
	if len(minutes.GetSignatures()) != 2 {
		t.Fatalf("signatures = %v", minutes.GetSignatures())
	}
}
