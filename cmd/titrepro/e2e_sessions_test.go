package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/natsauth"
)

// Sessions that change, end to end through REST on the all-in-one: a
// session updated, postponed then cancelled, with the dossier deadline
// (R40) enforced by the portfolio service from the assessment events; and
// a juror absent on the day replaced after opening, the session then
// going to signed minutes.

// parisDay returns today in France plus days, "YYYY-MM-DD".
func parisDay(days int) string {
	today, _ := time.Parse(time.DateOnly, civildate.Of(time.Now()).String())
	return today.AddDate(0, 0, days).Format(time.DateOnly)
}

// lastAssessmentEvent waits until, as the operator reads the stream, the
// last event published on subject is about resource (its ce-subject), and
// decodes it into m.
func lastAssessmentEvent(t *testing.T, s *testServer, subject, resource string, m proto.Message) {
	t.Helper()
	nc := busConnect(t, s.cfg, natsauth.Admin)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	eventually(t, subject+" published", func() bool {
		st, err := js.Stream(ctx, "TITREPRO_ASSESSMENT")
		if err != nil {
			return false
		}
		raw, err := st.GetLastMsgForSubject(ctx, subject)
		if err != nil || raw.Header.Get("ce-subject") != resource {
			return false
		}
		if err := proto.Unmarshal(raw.Data, m); err != nil {
			t.Fatal(err)
		}
		return true
	})
}

// submitUntil submits the dossier until the portfolio service answers
// with reason want ("" for a success): the session's changes reach it
// through the bus.
func submitUntil(t *testing.T, w *workflow, dossierID, sessionID, candidacyID, want string) {
	t.Helper()
	ctx := context.Background()
	var last error
	err := waitFor(ctx, "the submission to be answered with "+want, func() (bool, error) {
		last = w.call(ctx, asCandidate, "POST", "/v1/dossiers/"+dossierID+":submit", &portfoliov1.SubmitDossierRequest{
			SessionId: sessionID, CandidacyId: candidacyID, RequestId: newUUID(),
		}, &portfoliov1.SubmitDossierResponse{})
		return reasonOf(last) == want && (want != "" || last == nil), nil
	})
	if err != nil {
		t.Fatalf("%v (last answer: %v)", err, last)
	}
	var ae *apiError
	if want != "" && (!asAPIError(last, &ae) || ae.Rule != "R40") {
		t.Fatalf("submission refused with %v; want rule R40", last)
	}
}

func asAPIError(err error, target **apiError) bool {
	ae, ok := err.(*apiError)
	if ok {
		*target = ae
	}
	return ok
}

func TestE2E_SessionPostponedThenCancelled(t *testing.T) {
	s := startServer(t, testConfig(t, t.TempDir()))
	w := newTestWorkflow(t, s)
	ctx := context.Background()

	candidateID, err := w.registerCandidate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A session whose dossier deadline is past: submissions are refused (R40).
	created := &assessmentv1.CreateSessionResponse{}
	if err := w.call(ctx, asCentre, "POST", "/v1/sessions?request_id="+newUUID(), &assessmentv1.Session{
		Type: assessmentv1.SessionType_SESSION_TYPE_TITRE, TitleId: w.title.GetId(), TitleVersion: w.title.GetVersion(),
		Site: "AFPA Lyon Vénissieux", StartDate: parisDay(-2), EndDate: parisDay(-1), DossierDeadline: parisDay(-3),
	}, created); err != nil {
		t.Fatal(err)
	}
	sessionID := created.GetSession().GetId()
	candidacyID, err := w.registerCandidacy(ctx, sessionID, candidateID, nil)
	if err != nil {
		t.Fatal(err)
	}
	dossierID, err := w.prepareDossier(ctx, candidateID)
	if err != nil {
		t.Fatal(err)
	}
	submitUntil(t, w, dossierID, sessionID, candidacyID, "DOSSIER_DEADLINE_PASSED")

	// The centre moves the site, with the etag it read.
	read := &assessmentv1.GetSessionResponse{}
	if err := w.call(ctx, asCentre, "GET", "/v1/sessions/"+sessionID, nil, read); err != nil {
		t.Fatal(err)
	}
	// R8: not to a site the centre is not approved for.
	updated := &assessmentv1.UpdateSessionResponse{}
	err = w.call(ctx, asCentre, "PATCH", "/v1/sessions/"+sessionID+"?update_mask=site", &assessmentv1.Session{
		Etag: read.GetSession().GetEtag(), Site: "AFPA Lyon Gerland"}, updated)
	if reasonOf(err) != "AGREMENT_MISSING" {
		t.Fatalf("update to a site without agrément = %v; want AGREMENT_MISSING", err)
	}
	// The DREETS approves the centre at that site too.
	from, until := w.registerPeriod()
	if err := w.call(ctx, asMinistry, "POST", "/v1/agrements", &certificationv1.Agrement{
		Id: "AGR-69-GERLAND-" + w.run, CentreId: w.centreID, TitleId: w.title.GetId(), TitleVersion: w.title.GetVersion(),
		Site: "AFPA Lyon Gerland", ValidFrom: from, ValidTo: until,
	}, nil); err != nil {
		t.Fatal(err)
	}
	if err := retryWhile(ctx, registerReasons, func() error {
		return w.call(ctx, asCentre, "PATCH", "/v1/sessions/"+sessionID+"?update_mask=site", &assessmentv1.Session{
			Etag: read.GetSession().GetEtag(), Site: "AFPA Lyon Gerland"}, updated)
	}); err != nil {
		t.Fatal(err)
	}
	if got := updated.GetSession().GetSite(); got != "AFPA Lyon Gerland" {
		t.Fatalf("site after update = %q", got)
	}
	if err := w.call(ctx, asCentre, "PATCH", "/v1/sessions/"+sessionID+"?update_mask=site", &assessmentv1.Session{
		Etag: read.GetSession().GetEtag(), Site: "Ailleurs",
	}, nil); reasonOf(err) != "SESSION_VERSION_CONFLICT" {
		t.Fatalf("update with a stale etag = %v; want SESSION_VERSION_CONFLICT", err)
	}
	var upd assessmentv1.SessionUpdated
	lastAssessmentEvent(t, s, "titrepro.assessment.v1.session_updated", "sessions/"+sessionID, &upd)
	if upd.GetSessionId() != sessionID || upd.GetSite() != "AFPA Lyon Gerland" {
		t.Fatalf("SessionUpdated = %v", &upd)
	}

	// Postponed a week later: the deadline moves with the new first day,
	// and the portfolio takes the dossier.
	postponed := &assessmentv1.PostponeSessionResponse{}
	if err := w.call(ctx, asCentre, "POST", "/v1/sessions/"+sessionID+":postpone", &assessmentv1.PostponeSessionRequest{
		StartDate: parisDay(7), EndDate: parisDay(8), Reason: "Plateau technique indisponible",
	}, postponed); err != nil {
		t.Fatal(err)
	}
	if got := postponed.GetSession(); got.GetStartDate() != parisDay(7) || got.GetDossierDeadline() != parisDay(7) ||
		got.GetState() != assessmentv1.SessionState_SESSION_STATE_PLANNED {
		t.Fatalf("postponed session = %v", got)
	}
	var pp assessmentv1.SessionPostponed
	lastAssessmentEvent(t, s, "titrepro.assessment.v1.session_postponed", "sessions/"+sessionID, &pp)
	if pp.GetPreviousStartDate() != parisDay(-2) || pp.GetStartDate() != parisDay(7) || pp.GetReason() != "Plateau technique indisponible" ||
		len(pp.GetCandidacies()) != 1 || pp.GetCandidacies()[0].GetCandidateId() != candidateID {
		t.Fatalf("SessionPostponed = %v", &pp)
	}
	submitUntil(t, w, dossierID, sessionID, candidacyID, "")

	// The sessions running next week, on this title, for this centre.
	list := &assessmentv1.ListSessionsResponse{}
	if err := w.call(ctx, asCentre, "GET", fmt.Sprintf("/v1/sessions?title_id=%s&from_date=%s&to_date=%s",
		w.title.GetId(), parisDay(6), parisDay(7)), nil, list); err != nil {
		t.Fatal(err)
	}
	if len(list.GetSessions()) != 1 || list.GetSessions()[0].GetId() != sessionID {
		t.Fatalf("sessions of next week = %v", list.GetSessions())
	}

	// Cancelled: the candidacy is released, nothing is submitted any more.
	if err := w.call(ctx, asCentre, "POST", "/v1/sessions/"+sessionID+":cancel", &assessmentv1.CancelSessionRequest{}, nil); reasonOf(err) != "INVALID_ARGUMENT" {
		t.Fatalf("cancel without a reason = %v", err)
	}
	cancelled := &assessmentv1.CancelSessionResponse{}
	if err := w.call(ctx, asCentre, "POST", "/v1/sessions/"+sessionID+":cancel", &assessmentv1.CancelSessionRequest{
		Reason: "Fermeture administrative du centre",
	}, cancelled); err != nil {
		t.Fatal(err)
	}
	if cancelled.GetSession().GetState() != assessmentv1.SessionState_SESSION_STATE_CANCELLED {
		t.Fatalf("cancelled session = %v", cancelled.GetSession())
	}
	cy := &assessmentv1.GetCandidacyResponse{}
	if err := w.call(ctx, asCandidate, "GET", "/v1/sessions/"+sessionID+"/candidacies/"+candidacyID, nil, cy); err != nil {
		t.Fatal(err)
	}
	if cy.GetCandidacy().GetReleaseTime() == nil {
		t.Fatal("the candidacy of a cancelled session is not released")
	}
	var cc assessmentv1.SessionCancelled
	lastAssessmentEvent(t, s, "titrepro.assessment.v1.session_cancelled", "sessions/"+sessionID, &cc)
	if cc.GetSessionId() != sessionID || cc.GetReason() != "Fermeture administrative du centre" || len(cc.GetReleasedCandidacies()) != 1 ||
		cc.GetReleasedCandidacies()[0].GetCandidacyId() != candidacyID || cc.GetReleasedCandidacies()[0].GetCandidateId() != candidateID ||
		cc.GetSite() != "AFPA Lyon Gerland" || cc.GetStartDate() != parisDay(7) {
		t.Fatalf("SessionCancelled = %v", &cc)
	}
	submitUntil(t, w, dossierID, sessionID, candidacyID, "SESSION_CANCELLED")
	if err := w.call(ctx, asCentre, "POST", "/v1/sessions/"+sessionID+":postpone", &assessmentv1.PostponeSessionRequest{
		StartDate: parisDay(20), EndDate: parisDay(21), Reason: "x",
	}, nil); reasonOf(err) != "SESSION_CANCELLED" {
		t.Fatalf("postpone after cancellation = %v; want SESSION_CANCELLED", err)
	}

	// The released candidate registers to another session.
	other, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.registerCandidacy(ctx, other, candidateID, nil); err != nil {
		t.Fatalf("registering the released candidate elsewhere: %v", err)
	}
}

func TestE2E_JurorAbsentReplacedAfterOpening(t *testing.T) {
	s := startServer(t, testConfig(t, t.TempDir()))
	w := newTestWorkflow(t, s)
	ctx := context.Background()

	candidateID, err := w.registerCandidate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	scope := w.ccpCodes()
	sessionID, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	if err != nil {
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
	if _, err := w.submitDossier(ctx, dossierID, sessionID, candidacyID); err != nil {
		t.Fatal(err)
	}
	if err := w.open(ctx, sessionID); err != nil {
		t.Fatal(err)
	}

	// Juror 2 is absent on the day: withdrawn, with the reason.
	absent := w.subjects[asJuror2]
	jurorPath := "/v1/sessions/" + sessionID + "/jurors/" + absent
	if err := w.call(ctx, asCentre, "DELETE", jurorPath, nil, nil); reasonOf(err) != "INVALID_ARGUMENT" {
		t.Fatalf("withdrawing a juror after opening without a reason = %v", err)
	}
	if err := w.call(ctx, asCentre, "DELETE", jurorPath+"?reason=Absent%20le%20jour%20de%20la%20session", nil, nil); err != nil {
		t.Fatal(err)
	}
	var gone assessmentv1.JurorUnassigned
	lastAssessmentEvent(t, s, "titrepro.assessment.v1.juror_unassigned", "sessions/"+sessionID+"/jurors/"+absent, &gone)
	if gone.GetJurorSubject() != absent || !gone.GetAfterOpening() || gone.GetReason() != "Absent le jour de la session" {
		t.Fatalf("JurorUnassigned = %v", &gone)
	}
	// R19: one juror cannot deliberate.
	if _, err := w.deliberate(ctx, sessionID, candidacyID, scope, nil); reasonOf(err) != "JURY_TOO_SMALL" {
		t.Fatalf("deliberation with one juror = %v; want JURY_TOO_SMALL", err)
	}

	// The replacement joins the opened session (R16, R21 checked) and
	// takes juror 2's place in the workflow.
	replacement := "demo-juror-3-" + randomSuffix()
	replacementToken, number, err := w.enrolJuror(ctx, replacement, "Juré suppléant")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.addJuror(ctx, sessionID, replacement, number, nil); err != nil {
		t.Fatal(err)
	}
	var joined assessmentv1.JurorAssigned
	lastAssessmentEvent(t, s, "titrepro.assessment.v1.juror_assigned", "sessions/"+sessionID+"/jurors/"+replacement, &joined)
	if joined.GetJurorSubject() != replacement || !joined.GetAfterOpening() {
		t.Fatalf("JurorAssigned = %v", &joined)
	}
	w.subjects[asJuror2], w.tokens[asJuror2] = replacement, replacementToken

	if err := w.evaluate(ctx, sessionID, candidacyID, scope, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.deliberate(ctx, sessionID, candidacyID, scope, nil); err != nil {
		t.Fatal(err)
	}
	minutes, err := w.signMinutes(ctx, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	var signers []string
	for _, sig := range minutes.GetSignatures() {
		signers = append(signers, sig.GetJurorSubject())
	}
	if len(signers) != 2 || contains(signers, absent) || !contains(signers, replacement) {
		t.Fatalf("the minutes are signed by %v; want juror 1 and the replacement", signers)
	}
	got := &assessmentv1.GetSessionResponse{}
	if err := w.call(ctx, asCentre, "GET", "/v1/sessions/"+sessionID, nil, got); err != nil {
		t.Fatal(err)
	}
	if got.GetSession().GetState() != assessmentv1.SessionState_SESSION_STATE_CLOSED {
		t.Fatalf("session state = %v; want CLOSED", got.GetSession().GetState())
	}
}
