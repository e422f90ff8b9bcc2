package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/pdfdoc/pdftext"
)

// Minutes the DREETS returns (R51) and results for people, end to end
// through REST on the all-in-one server: the ministry returns signed
// minutes citing a candidacy, the assessment service reopens the session,
// the jury deliberates that candidacy again and every juror signs the next
// version, which the ministry validates; both versions stay readable, as
// JSON and as PDF; the candidate reads their decisions and result sheet.

// minutesSession takes a candidate through a session titre up to signed
// minutes, the CCPs in notObtained not obtained.
func minutesSession(ctx context.Context, t *testing.T, w *workflow, notObtained map[string]bool) (sessionResult, *assessmentv1.Minutes) {
	t.Helper()
	var r sessionResult
	var err error
	if r.candidateID, err = w.registerCandidate(ctx); err != nil {
		t.Fatal(err)
	}
	if r.sessionID, err = w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil); err != nil {
		t.Fatal(err)
	}
	if r.candidacyID, err = w.registerCandidacy(ctx, r.sessionID, r.candidateID, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.dossierFor(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := w.open(ctx, r.sessionID); err != nil {
		t.Fatal(err)
	}
	if err := w.evaluate(ctx, r.sessionID, r.candidacyID, w.ccpCodes(), notObtained); err != nil {
		t.Fatal(err)
	}
	if _, err := w.deliberate(ctx, r.sessionID, r.candidacyID, w.ccpCodes(), notObtained); err != nil {
		t.Fatal(err)
	}
	m, err := w.signMinutes(ctx, r.sessionID)
	if err != nil {
		t.Fatal(err)
	}
	return r, m
}

// resultVersion waits until the certification service holds minutes
// version n of the session, and returns the result.
func resultVersion(ctx context.Context, t *testing.T, w *workflow, sessionID string, n int32) *certificationv1.SessionResult {
	t.Helper()
	var got *certificationv1.SessionResult
	err := waitFor(ctx, "the signed minutes at the certification service", func() (bool, error) {
		resp := &certificationv1.GetResultResponse{}
		err := w.call(ctx, asMinistry, "GET", "/v1/results/"+sessionID, nil, resp)
		if reasonOf(err) == "RESULT_NOT_FOUND" {
			return false, nil
		}
		got = resp.GetResult()
		return err == nil && got.GetMinutesVersion() == n, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// returnMinutes has the DREETS return the minutes and waits until the
// assessment service reopened the session.
func returnMinutes(ctx context.Context, t *testing.T, w *workflow, sessionID, hash, reason string, candidacies ...string) *certificationv1.SessionResult {
	t.Helper()
	resp := &certificationv1.ReturnResultResponse{}
	if err := w.call(ctx, asMinistry, "POST", "/v1/results/"+sessionID+":return", &certificationv1.ReturnResultRequest{
		MinutesHash: hash, Reason: reason, CandidacyIds: candidacies,
	}, resp); err != nil {
		t.Fatalf("return: %v", err)
	}
	err := waitFor(ctx, "the session to reopen", func() (bool, error) {
		s := &assessmentv1.GetSessionResponse{}
		err := w.call(ctx, asCentre, "GET", "/v1/sessions/"+sessionID, nil, s)
		return err == nil && s.GetSession().GetState() == assessmentv1.SessionState_SESSION_STATE_IN_PROGRESS, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetResult()
}

func pdfText(t *testing.T, s *testServer, path, token string) string {
	t.Helper()
	r := s.call(t, "GET", path, token, nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(r.body), "%PDF-") {
		t.Fatalf("GET %s = HTTP %d, %s: %.200s", path, r.status, r.header.Get("Content-Type"), r.body)
	}
	return pdftext.Extract(t, r.body)
}

func requireText(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, text)
		}
	}
}

func TestEndToEndMinutesReturnedRedeliberatedAndValidated(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	s := startServer(t, cfg)
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	codes := w.ccpCodes()
	failed := codes[len(codes)-1]

	// Version 1: the last CCP not obtained, signed by both jurors.
	r, v1 := minutesSession(ctx, t, w, map[string]bool{failed: true})
	if v1.GetMinutesVersion() != 1 || v1.GetContentEncoding() != "titrepro-minutes/2" {
		t.Fatalf("first minutes: version %d, encoding %s", v1.GetMinutesVersion(), v1.GetContentEncoding())
	}
	resultVersion(ctx, t, w, r.sessionID, 1)

	// The DREETS returns them: a reason is required (R51).
	err := w.call(ctx, asMinistry, "POST", "/v1/results/"+r.sessionID+":return", &certificationv1.ReturnResultRequest{
		MinutesHash: v1.GetContentHash(), CandidacyIds: []string{r.candidacyID}}, nil)
	if reasonOf(err) != "INVALID_ARGUMENT" {
		t.Fatalf("R51: a return without a reason = %v", err)
	}
	const reason = "La motivation du CCP non obtenu ne cite aucune observation de la mise en situation."
	returned := returnMinutes(ctx, t, w, r.sessionID, v1.GetContentHash(), reason, r.candidacyID)
	if returned.GetState() != certificationv1.ResultState_RESULT_STATE_RETURNED || returned.GetReturn().GetReason() != reason {
		t.Fatalf("returned result = %v", returned)
	}
	// A returned version is not validated (R51).
	err = w.call(ctx, asMinistry, "POST", "/v1/results/"+r.sessionID+":validate", &certificationv1.ValidateResultRequest{MinutesHash: v1.GetContentHash()}, nil)
	if reasonOf(err) != "MINUTES_RETURNED" {
		t.Fatalf("R51: validating returned minutes = %v", err)
	}

	versions := &assessmentv1.ListMinutesVersionsResponse{}
	if err := w.call(ctx, asCentre, "GET", "/v1/sessions/"+r.sessionID+"/minutes/versions", nil, versions); err != nil {
		t.Fatal(err)
	}
	if vs := versions.GetVersions(); len(vs) != 2 || vs[0].GetState() != assessmentv1.MinutesVersionState_MINUTES_VERSION_STATE_RETURNED ||
		vs[0].GetReturned().GetReason() != reason || vs[1].GetState() != assessmentv1.MinutesVersionState_MINUTES_VERSION_STATE_DRAFT {
		t.Fatalf("versions after the return = %v", vs)
	}

	// The jury deliberates the cited candidacy again; every juror signs v2.
	if err := w.evaluate(ctx, r.sessionID, r.candidacyID, codes, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.deliberate(ctx, r.sessionID, r.candidacyID, codes, nil); err != nil {
		t.Fatal(err)
	}
	v2, err := w.signMinutes(ctx, r.sessionID)
	if err != nil {
		t.Fatal(err)
	}
	if v2.GetMinutesVersion() != 2 || v2.GetContentEncoding() != "titrepro-minutes/3" || v2.GetPreviousContentHash() != v1.GetContentHash() ||
		v2.GetContentHash() == v1.GetContentHash() || len(v2.GetSignatures()) != 2 {
		t.Fatalf("second minutes = %v", v2)
	}
	read2 := &assessmentv1.GetMinutesResponse{}
	if err := w.call(ctx, asJuror1, "GET", "/v1/sessions/"+r.sessionID+"/minutes", nil, read2); err != nil {
		t.Fatal(err)
	}
	if m := read2.GetMinutes(); m.GetContentHash() != v2.GetContentHash() || m.GetReopenedBy().GetReason() != reason ||
		m.GetVersionState() != assessmentv1.MinutesVersionState_MINUTES_VERSION_STATE_SIGNED {
		t.Fatalf("minutes v2 read back = %v", m)
	}
	resultVersion(ctx, t, w, r.sessionID, 2)
	err = w.call(ctx, asMinistry, "POST", "/v1/results/"+r.sessionID+":validate", &certificationv1.ValidateResultRequest{MinutesHash: v1.GetContentHash()}, nil)
	if reasonOf(err) != "MINUTES_VERSION_SUPERSEDED" {
		t.Fatalf("R51: validating the superseded version = %v", err)
	}
	if err := w.validate(ctx, r.sessionID, v2.GetContentHash()); err != nil {
		t.Fatal(err)
	}
	if _, err := w.certificates(ctx, r.candidateID, 1); err != nil {
		t.Fatal(err)
	}

	// Both versions stay readable, as signed.
	old := &assessmentv1.GetMinutesResponse{}
	if err := w.call(ctx, asJuror2, "GET", "/v1/sessions/"+r.sessionID+"/minutes?version=1", nil, old); err != nil {
		t.Fatal(err)
	}
	if old.GetMinutes().GetContentHash() != v1.GetContentHash() || len(old.GetMinutes().GetSignatures()) != 2 ||
		old.GetMinutes().GetVersionState() != assessmentv1.MinutesVersionState_MINUTES_VERSION_STATE_RETURNED {
		t.Fatalf("minutes v1 read back = %v", old.GetMinutes())
	}
	oldResult := &certificationv1.GetResultResponse{}
	if err := w.call(ctx, asMinistry, "GET", "/v1/results/"+r.sessionID+"?minutes_version=1", nil, oldResult); err != nil {
		t.Fatal(err)
	}
	if oldResult.GetResult().GetMinutesHash() != v1.GetContentHash() || oldResult.GetResult().GetReturn().GetReason() != reason {
		t.Fatalf("result v1 read back = %v", oldResult.GetResult())
	}
	cur := resultVersion(ctx, t, w, r.sessionID, 2)
	if vs := cur.GetVersions(); len(vs) != 2 || vs[0].GetState() != certificationv1.ResultState_RESULT_STATE_RETURNED ||
		vs[1].GetState() != certificationv1.ResultState_RESULT_STATE_VALIDATED {
		t.Fatalf("result history = %v", vs)
	}

	// The PDF minutes of each version: every decision, every motivation,
	// the candidate's name, the version and the hash.
	ministry := w.tokens[asMinistry]
	text1 := pdfText(t, s, "/v1/sessions/"+r.sessionID+"/minutes:pdf?version=1", ministry)
	requireText(t, "the PDF minutes v1", text1, "Procès-verbal de délibération du jury", "Durand Camille", v1.GetContentHash(),
		"renvoyée par la DREETS", reason, failed+" : non obtenu. Motivation : Compétences non démontrées lors de la mise en situation.")
	for _, code := range codes[:len(codes)-1] {
		requireText(t, "the PDF minutes v1", text1, code+" : obtenu")
	}
	text2 := pdfText(t, s, "/v1/sessions/"+r.sessionID+"/minutes:pdf", w.tokens[asCentre])
	requireText(t, "the PDF minutes v2", text2, "Durand Camille", v2.GetContentHash(), v1.GetContentHash(), "2 — signée par tous les jurés", reason)
	for _, code := range codes {
		requireText(t, "the PDF minutes v2", text2, code+" : obtenu")
	}

	// The node verifier recomputes both hashes from GET minutes.
	if node, err := exec.LookPath("node"); err == nil {
		dir := t.TempDir()
		for _, v := range []string{"1", "2"} {
			body := s.call(t, "GET", "/v1/sessions/"+r.sessionID+"/minutes?version="+v, ministry, nil).body
			path := filepath.Join(dir, "minutes-"+v+".json")
			if err := os.WriteFile(path, body, 0o600); err != nil {
				t.Fatal(err)
			}
			got := runVerifier(t, node, []string{filepath.Join("testdata", "verifier", "verify.mjs"), "--minutes", path})
			if !got["minutes"].OK {
				t.Errorf("node did not verify minutes version %s: %+v", v, got["minutes"])
			}
		}
	} else if os.Getenv("CI") == "true" {
		t.Fatal("node is not installed")
	}

	// The candidate reads their decisions, with the motivation, and their
	// result sheet; another candidate may not.
	rec := &certificationv1.GetRecordResponse{}
	if err := w.call(ctx, asCandidate, "GET", "/v1/records/"+r.candidateID, nil, rec); err != nil {
		t.Fatal(err)
	}
	if res := rec.GetRecord().GetResults(); len(res) != 1 || len(res[0].GetCcpResults()) != len(codes) ||
		res[0].GetTitleOutcome() != certificationv1.TitleOutcome_TITLE_OUTCOME_AWARDED {
		t.Fatalf("the candidate's results = %v", res)
	}
	sheet := pdfText(t, s, "/v1/results/"+r.sessionID+"/candidacies/"+r.candidacyID+":pdf", w.tokens[asCandidate])
	requireText(t, "the result sheet", sheet, "Fiche individuelle de résultats", "Durand Camille", "titre obtenu", v2.GetContentHash())
	// The centre reads its session's results; another centre does not.
	centreResult := &certificationv1.GetResultResponse{}
	if err := w.call(ctx, asCentre, "GET", "/v1/results/"+r.sessionID, nil, centreResult); err != nil ||
		centreResult.GetResult().GetState() != certificationv1.ResultState_RESULT_STATE_VALIDATED {
		t.Fatalf("the centre reads its result: %v, %v", centreResult.GetResult(), err)
	}
	centreList := &certificationv1.ListResultsResponse{}
	if err := w.call(ctx, asCentre, "GET", "/v1/results", nil, centreList); err != nil || len(centreList.GetResults()) != 1 {
		t.Fatalf("the centre's results = %v, %v", centreList.GetResults(), err)
	}
	otherCentre := s.mustToken(t, "centre", "other-centre-user", "CENTRE-OTHER")
	if got := s.call(t, "GET", "/v1/results/"+r.sessionID, otherCentre, nil); got.status != 403 {
		t.Fatalf("another centre reads the result: HTTP %d", got.status)
	}
	if got := s.expect(t, 200, "GET", "/v1/results", otherCentre, nil); len(got) != 0 {
		t.Fatalf("another centre lists %v", got)
	}
	requireText(t, "the centre's result sheet", pdfText(t, s, "/v1/results/"+r.sessionID+"/candidacies/"+r.candidacyID+":pdf", w.tokens[asCentre]),
		"Durand Camille")
	stranger := s.mustToken(t, "candidate", "someone-else", "")
	if got := s.call(t, "GET", "/v1/results/"+r.sessionID+"/candidacies/"+r.candidacyID+":pdf", stranger, nil); got.status != 403 {
		t.Fatalf("another candidate's sheet = HTTP %d", got.status)
	}
}

// certificationEvents returns the events of the certification stream about
// session or candidate, in order, by type (without its package).
func certificationEvents(t *testing.T, cfg config, keep func(m proto.Message) bool) []proto.Message {
	t.Helper()
	var out []proto.Message
	for _, raw := range streamMessages(t, cfg, "TITREPRO_CERTIFICATION") {
		var m proto.Message
		switch raw.Header.Get("ce-type") {
		case "titrepro.certification.v1.ResultsValidated":
			m = &certificationv1.ResultsValidated{}
		case "titrepro.certification.v1.MinutesReturned":
			m = &certificationv1.MinutesReturned{}
		case "titrepro.certification.v1.AwardsCorrected":
			m = &certificationv1.AwardsCorrected{}
		case "titrepro.certification.v1.CcpAwarded":
			m = &certificationv1.CcpAwarded{}
		case "titrepro.certification.v1.TitleAwarded":
			m = &certificationv1.TitleAwarded{}
		case "titrepro.certification.v1.LivretIssued":
			m = &certificationv1.LivretIssued{}
		default:
			continue
		}
		if err := proto.Unmarshal(raw.Data, m); err != nil {
			t.Fatal(err)
		}
		if keep(m) {
			out = append(out, m)
		}
	}
	return out
}

func TestEndToEndCorrectionAfterValidation(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	s := startServer(t, cfg)
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	codes := w.ccpCodes()
	last := codes[len(codes)-1]

	// Version 1: every CCP obtained, validated: the titre is issued.
	r, v1 := minutesSession(ctx, t, w, nil)
	resultVersion(ctx, t, w, r.sessionID, 1)
	if err := w.validate(ctx, r.sessionID, v1.GetContentHash()); err != nil {
		t.Fatal(err)
	}
	certs, err := w.certificates(ctx, r.candidateID, 1)
	if err != nil {
		t.Fatal(err)
	}
	titre := certs[0].GetNumber()

	// A material error: the DREETS returns the validated minutes; the jury
	// decides the last CCP not obtained in version 2, which is validated.
	const reason = "Erreur matérielle : le jury a constaté que le dernier CCP n'avait pas été évalué."
	ret := returnMinutes(ctx, t, w, r.sessionID, v1.GetContentHash(), reason, r.candidacyID)
	if !ret.GetReturn().GetAfterValidation() || ret.GetValidatedMinutesVersion() != 1 {
		t.Fatalf("returned after validation = %v", ret)
	}
	if v, err := w.verify(ctx, titre); err != nil || !v.GetValid() {
		t.Fatalf("the titre stands until the correction is validated: %v, %v", v, err)
	}
	if err := w.evaluate(ctx, r.sessionID, r.candidacyID, codes, map[string]bool{last: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.deliberate(ctx, r.sessionID, r.candidacyID, codes, map[string]bool{last: true}); err != nil {
		t.Fatal(err)
	}
	v2, err := w.signMinutes(ctx, r.sessionID)
	if err != nil {
		t.Fatal(err)
	}
	resultVersion(ctx, t, w, r.sessionID, 2)
	if err := w.validate(ctx, r.sessionID, v2.GetContentHash()); err != nil {
		t.Fatal(err)
	}

	// The correcting events, in order: ResultsValidated naming the version
	// corrected, AwardsCorrected revoking the last CCP and the titre, then
	// the livret of the corrected decision.
	var evs []proto.Message
	eventually(t, "the correcting events", func() bool {
		evs = certificationEvents(t, cfg, func(m proto.Message) bool {
			switch m := m.(type) {
			case *certificationv1.ResultsValidated:
				return m.GetSessionId() == r.sessionID && m.GetMinutesVersion() == 2
			case *certificationv1.AwardsCorrected:
				return m.GetCandidateId() == r.candidateID
			case *certificationv1.LivretIssued:
				return m.GetCandidateId() == r.candidateID
			}
			return false
		})
		return len(evs) == 3
	})
	rv, ok1 := evs[0].(*certificationv1.ResultsValidated)
	ac, ok2 := evs[1].(*certificationv1.AwardsCorrected)
	li, ok3 := evs[2].(*certificationv1.LivretIssued)
	if !ok1 || !ok2 || !ok3 || rv.GetCorrectedMinutesVersion() != 1 {
		t.Fatalf("correcting events = %v", evs)
	}
	if ac.GetCorrectedMinutesVersion() != 1 || ac.GetMinutesVersion() != 2 || ac.GetCorrectedMinutesHash() != v1.GetContentHash() ||
		ac.GetMinutesHash() != v2.GetContentHash() || len(ac.GetRevokedCcpCodes()) != 1 || ac.GetRevokedCcpCodes()[0] != last ||
		len(ac.GetRevokedCertificateNumbers()) != 1 || ac.GetRevokedCertificateNumbers()[0] != titre {
		t.Fatalf("AwardsCorrected = %v", ac)
	}
	if len(li.GetCcpCodes()) != len(codes)-1 {
		t.Fatalf("the livret = %v", li)
	}
	// The revoked titre stays on record and verifies as revoked; the
	// livret verifies.
	if v, err := w.verify(ctx, titre); err != nil || v.GetValid() || v.GetReason() != "CERTIFICATE_NOT_IN_FORCE" || !v.GetSignatureValid() {
		t.Fatalf("the revoked titre verifies as %v, %v", v, err)
	}
	got := &certificationv1.GetCertificateResponse{}
	if err := w.call(ctx, asCandidate, "GET", "/v1/certificates/"+titre, nil, got); err != nil ||
		got.GetCertificate().GetStatus() != certificationv1.CertificateStatus_CERTIFICATE_STATUS_REVOKED {
		t.Fatalf("the revoked titre = %v, %v", got.GetCertificate(), err)
	}
	if v, err := w.verify(ctx, li.GetCertificateNumber()); err != nil || !v.GetValid() {
		t.Fatalf("the livret verifies as %v, %v", v, err)
	}
	// The record shows the corrected decision and what is missing.
	rec := &certificationv1.GetRecordResponse{}
	if err := w.call(ctx, asCandidate, "GET", "/v1/records/"+r.candidateID, nil, rec); err != nil {
		t.Fatal(err)
	}
	if held := rec.GetRecord().GetHeldCcps(); len(held) != len(codes)-1 {
		t.Fatalf("held CCPs after the correction = %v", held)
	}
	progress := rec.GetRecord().GetTitleProgress()
	if len(progress) != 1 || len(progress[0].GetMissingCcpCodes()) != 1 || progress[0].GetMissingCcpCodes()[0] != last ||
		len(progress[0].GetCompletingSessionTypes()) != 2 {
		t.Fatalf("the candidate's progress = %v", progress)
	}
	sheet := pdfText(t, s, "/v1/results/"+r.sessionID+"/candidacies/"+r.candidacyID+":pdf", w.tokens[asCandidate])
	requireText(t, "the corrected result sheet", sheet, last+" — ", ": non obtenu", "Motivation : Compétences non démontrées",
		"CCP manquants : "+last, "session CCP", v2.GetContentHash())
}
