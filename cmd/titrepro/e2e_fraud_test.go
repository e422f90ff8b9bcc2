package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/civildate"
)

// Fraud during a session and its sanction, end to end through REST on the
// all-in-one server (R57, R58): a juror files a fraud report while the
// jury deliberates; the minutes the other juror read before it can no
// longer be signed (FRAUD_REPORT_NOT_IN_MINUTES); the minutes drawn up
// again mention the report, in JSON and in the PDF, and are signed; the
// ministry pronounces a one-year ban, which the candidate reads; the
// centre's registration of that candidate to another session is refused
// with CANDIDATE_BANNED and the end date.
func TestEndToEndFraudReportMinutesAndBan(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	s := startServer(t, cfg)
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	var r sessionResult
	var err error
	r.candidateID, err = w.registerCandidate(ctx)
	must(err)
	r.sessionID, err = w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	must(err)
	r.candidacyID, err = w.registerCandidacy(ctx, r.sessionID, r.candidateID, nil)
	must(err)
	must(w.dossierFor(ctx, r))

	report := &assessmentv1.FraudReport{CandidacyId: r.candidacyID, Facts: "Le candidat consultait des notes dissimulées pendant la mise en situation.",
		ObserveTime: timestamppb.Now(), Measure: assessmentv1.FraudMeasure_FRAUD_MEASURE_EXCLUDED_FROM_EPREUVE,
		MeasureNote: "Candidat exclu de la salle à 10 h 15."}
	// Not before the session opens (R57).
	if err := w.call(ctx, asJuror2, "POST", "/v1/sessions/"+r.sessionID+"/fraudReports", report, nil); reasonOf(err) != "FRAUD_REPORT_OUTSIDE_SESSION" {
		t.Fatalf("R57: a report on a planned session = %v", err)
	}
	must(w.open(ctx, r.sessionID))
	must(w.evaluate(ctx, r.sessionID, r.candidacyID, w.ccpCodes(), nil))
	_, err = w.deliberate(ctx, r.sessionID, r.candidacyID, w.ccpCodes(), nil)
	must(err)

	// Juror 1 reads the minutes; then juror 2 files a fraud report.
	before := &assessmentv1.GetMinutesResponse{}
	must(w.call(ctx, asJuror1, "GET", "/v1/sessions/"+r.sessionID+"/minutes", nil, before))
	if len(before.GetMinutes().GetFraudReports()) != 0 {
		t.Fatalf("minutes before any report mention %v", before.GetMinutes().GetFraudReports())
	}
	// The candidate may not file one.
	if err := w.call(ctx, asCandidate, "POST", "/v1/sessions/"+r.sessionID+"/fraudReports", report, nil); reasonOf(err) != "SESSION_ACCESS_DENIED" {
		t.Fatalf("a candidate filing a fraud report = %v", err)
	}
	filed := &assessmentv1.CreateFraudReportResponse{}
	must(w.call(ctx, asJuror2, "POST", "/v1/sessions/"+r.sessionID+"/fraudReports", report, filed))
	fr := filed.GetFraudReport()
	if fr.GetReportId() == "" || fr.GetCandidateId() != r.candidateID || fr.GetReporterRole() != assessmentv1.FraudReporterRole_FRAUD_REPORTER_ROLE_JUROR ||
		fr.GetReporterSubject() != w.subjects[asJuror2] {
		t.Fatalf("filed report = %v", fr)
	}
	list := &assessmentv1.ListFraudReportsResponse{}
	must(w.call(ctx, asCentre, "GET", "/v1/sessions/"+r.sessionID+"/fraudReports", nil, list))
	if len(list.GetFraudReports()) != 1 || list.GetFraudReports()[0].GetFacts() != report.GetFacts() {
		t.Fatalf("the centre's list = %v", list.GetFraudReports())
	}

	// The minutes juror 1 read do not mention the report: refused (R57).
	err = w.call(ctx, asJuror1, "POST", "/v1/sessions/"+r.sessionID+"/minutes:sign",
		&assessmentv1.SignMinutesRequest{ContentHash: before.GetMinutes().GetContentHash()}, nil)
	if reasonOf(err) != "FRAUD_REPORT_NOT_IN_MINUTES" {
		t.Fatalf("R57: signing minutes read before the report = %v", err)
	}
	// Drawn up again, they mention it, in what the jurors sign and in the PDF.
	signed, err := w.signMinutes(ctx, r.sessionID)
	must(err)
	if signed.GetContentEncoding() != "titrepro-minutes/4" || len(signed.GetSignatures()) != 2 ||
		signed.GetSessionState() != assessmentv1.SessionState_SESSION_STATE_CLOSED ||
		len(signed.GetFraudReports()) != 1 || signed.GetFraudReports()[0].GetReportId() != fr.GetReportId() ||
		signed.GetFraudReports()[0].GetMeasure() != "EXCLUDED_FROM_EPREUVE" {
		t.Fatalf("R57: signed minutes = %v", signed)
	}
	// The node verifier recomputes the hash, mention included, from GET minutes.
	if node, err := exec.LookPath("node"); err == nil {
		path := filepath.Join(t.TempDir(), "minutes.json")
		must(os.WriteFile(path, s.call(t, "GET", "/v1/sessions/"+r.sessionID+"/minutes", w.tokens[asCentre], nil).body, 0o600))
		if got := runVerifier(t, node, []string{filepath.Join("testdata", "verifier", "verify.mjs"), "--minutes", path}); !got["minutes"].OK {
			t.Errorf("node did not verify the minutes with a fraud report: %+v", got["minutes"])
		}
	} else if os.Getenv("CI") == "true" {
		t.Fatal("node is not installed")
	}
	text := pdfText(t, s, "/v1/sessions/"+r.sessionID+"/minutes:pdf", w.tokens[asCentre])
	requireText(t, "the minutes PDF", text, "Rapports de fraude", "Rapport de fraude "+fr.GetReportId(), "Mesure prise : candidat exclu de l'épreuve.")
	// Once the minutes are signed, fraud is a withdrawal (R59), not a report.
	if err := w.call(ctx, asJuror1, "POST", "/v1/sessions/"+r.sessionID+"/fraudReports", report, nil); reasonOf(err) != "FRAUD_REPORT_OUTSIDE_SESSION" {
		t.Fatalf("R57: a report on a closed session = %v", err)
	}

	// The DREETS pronounces a one-year ban (R58); the centre may not.
	today := civildate.Of(time.Now())
	sanction := &candidatev1.Sanction{Kind: candidatev1.SanctionKind_SANCTION_KIND_BAN, DurationMonths: 12, NotifiedOn: today.String(),
		Reference: fr.GetReportId(), Motivation: "Fraude constatée lors de la mise en situation professionnelle.", SessionId: r.sessionID}
	if err := w.call(ctx, asCentre, "POST", "/v1/candidates/"+r.candidateID+"/sanctions", sanction, nil); reasonOf(err) != "CANDIDATE_ACCESS_DENIED" {
		t.Fatalf("R58: a centre pronouncing a sanction = %v", err)
	}
	tooLong := &candidatev1.Sanction{Kind: candidatev1.SanctionKind_SANCTION_KIND_BAN, DurationMonths: 13, NotifiedOn: today.String(),
		Reference: fr.GetReportId(), Motivation: "x"}
	if err := w.call(ctx, asMinistry, "POST", "/v1/candidates/"+r.candidateID+"/sanctions", tooLong, nil); reasonOf(err) != "INVALID_ARGUMENT" {
		t.Fatalf("R58: a ban beyond a year = %v", err)
	}
	pronounced := &candidatev1.CreateSanctionResponse{}
	must(w.call(ctx, asMinistry, "POST", "/v1/candidates/"+r.candidateID+"/sanctions", sanction, pronounced))
	endsOn := today.AddMonths(12).String()
	if pronounced.GetSanction().GetEndsOn() != endsOn {
		t.Fatalf("R58: the ban ends on %s; want %s", pronounced.GetSanction().GetEndsOn(), endsOn)
	}
	mine := &candidatev1.ListSanctionsResponse{}
	must(w.call(ctx, asCandidate, "GET", "/v1/candidates/"+r.candidateID+"/sanctions", nil, mine))
	if len(mine.GetSanctions()) != 1 || mine.GetSanctions()[0].GetSanctionId() != pronounced.GetSanction().GetSanctionId() {
		t.Fatalf("the candidate's sanctions = %v", mine.GetSanctions())
	}

	// A registration to another session is refused during the ban. The
	// ban reaches the assessment service through SanctionPronounced: a
	// registration that slipped in before it is withdrawn and tried again
	// on a new session.
	must(waitFor(ctx, "the ban to reach the assessment service", func() (bool, error) {
		other, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
		if err != nil {
			return false, err
		}
		resp := &assessmentv1.CreateCandidacyResponse{}
		err = w.call(ctx, asCentre, "POST", "/v1/sessions/"+other+"/candidacies", &assessmentv1.Candidacy{CandidateId: r.candidateID}, resp)
		switch {
		case reasonOf(err) == "CANDIDATE_BANNED":
			if !strings.Contains(err.Error(), endsOn) {
				return false, err
			}
			return true, nil
		case err != nil:
			return false, err
		}
		return false, w.call(ctx, asCentre, "POST", "/v1/sessions/"+other+"/candidacies/"+resp.GetCandidacy().GetId()+":withdraw",
			&assessmentv1.WithdrawCandidacyRequest{Reason: "inscription antérieure à la sanction"}, nil)
	}))
}
