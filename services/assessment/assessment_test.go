package assessment_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/canonjson"
)

var (
	centre      = auth.Principal{Subject: "centre-user", Roles: []auth.Role{auth.RoleCentre}, Centre: "CENTRE-69-001"}
	otherCentre = auth.Principal{Subject: "other-centre-user", Roles: []auth.Role{auth.RoleCentre}, Centre: "CENTRE-13-002"}
	juror1      = auth.Principal{Subject: "juror-1", Roles: []auth.Role{auth.RoleJuror}}
	juror2      = auth.Principal{Subject: "juror-2", Roles: []auth.Role{auth.RoleJuror}}
	outsider    = auth.Principal{Subject: "juror-9", Roles: []auth.Role{auth.RoleJuror}}
	camille     = auth.Principal{Subject: "camille@idp", Roles: []auth.Role{auth.RoleCandidate}}
	ministry    = auth.Principal{Subject: "officer", Roles: []auth.Role{auth.RoleMinistry}}
)

const candidateID = "0197a5d0-0000-7000-8000-0000000000c1"

func titreSession() *assessmentv1.Session {
	return &assessmentv1.Session{
		Type: assessmentv1.SessionType_SESSION_TYPE_TITRE, TitleId: "TP-00495", TitleVersion: "2008",
		Site: "AFPA Lyon Vénissieux", StartDate: "2026-06-01", EndDate: "2026-06-03", DossierDeadline: "2026-05-25",
	}
}

func jurorMsg(subject string, links ...*assessmentv1.DeclaredLink) *assessmentv1.Juror {
	return &assessmentv1.Juror{
		Subject: subject, DisplayName: "Juror " + subject,
		Habilitation:  &assessmentv1.Habilitation{Number: "HAB-" + subject, TitleId: "TP-00495", ValidFrom: "2025-01-01", ValidTo: "2027-12-31"},
		DeclaredLinks: links,
	}
}

// planned prepares a title, a candidate (trained at AFPA Lyon) and a
// PLANNED session titre with jurors juror-1 and juror-2 and the candidate's
// candidacy; it returns the session and candidacy ids.
func planned(t *testing.T, e *env) (string, string) {
	t.Helper()
	ctx := context.Background()
	e.publishTitle(t)
	e.publishCandidate(t, candidateID, camille.Subject, "AFPA Lyon")
	s, err := e.client.CreateSession(ctx, &assessmentv1.CreateSessionRequest{
		Session: titreSession(), RequestId: "6f1c1c1e-8a53-4a8e-9a55-2f0f7f0b6a01"}, e.as(t, centre))
	require.NoError(t, err)
	id := s.GetSession().GetId()
	for _, j := range []string{"juror-1", "juror-2"} {
		_, err := e.client.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: id, Juror: jurorMsg(j)}, e.as(t, centre))
		require.NoError(t, err)
	}
	c, err := e.client.CreateCandidacy(ctx, &assessmentv1.CreateCandidacyRequest{SessionId: id,
		Candidacy: &assessmentv1.Candidacy{CandidateId: candidateID}}, e.as(t, centre))
	require.NoError(t, err)
	return id, c.GetCandidacy().GetId()
}

// submitDossier publishes the portfolio's DossierSubmitted for the
// candidate (without candidacy id) and waits until it is attached.
func submitDossier(t *testing.T, e *env, sessionID, candidacyID string) {
	t.Helper()
	e.publish(t, "portfolio", "titrepro.portfolio.v1.dossier_submitted", "assessment_dossiers",
		&portfoliov1.DossierSubmitted{EventId: "dossier-1", SnapshotId: "snap-1", DossierId: "dossier-1",
			CandidateId: candidateID, SessionId: sessionID, TitleId: "TP-00495", TitleVersion: "2008",
			ManifestHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}, "dossiers/dossier-1/snapshots/snap-1")
	c, err := e.client.GetCandidacy(context.Background(), &assessmentv1.GetCandidacyRequest{SessionId: sessionID, CandidacyId: candidacyID}, e.as(t, centre))
	require.NoError(t, err)
	require.Equal(t, "snap-1", c.GetCandidacy().GetDossierSnapshotId(), "R34: the dossier snapshot is attached")
	recordECF(t, e, sessionID, candidacyID)
}

// recordECF records, as the centre, an ECF result for every CCP of the
// training-route candidacy (R30), required before its deliberation (R49).
func recordECF(t *testing.T, e *env, sessionID, candidacyID string) {
	t.Helper()
	var results []*assessmentv1.EcfResult
	for _, code := range []string{"CCP1", "CCP2", "CCP3"} {
		results = append(results, &assessmentv1.EcfResult{CcpCode: code, Obtained: true, AssessmentDate: "2026-01-15"})
	}
	resp, err := e.client.RecordEcfResults(context.Background(), &assessmentv1.RecordEcfResultsRequest{SessionId: sessionID,
		CandidacyId: candidacyID, Results: results}, e.as(t, centre))
	require.NoError(t, err)
	require.Len(t, resp.GetCandidacy().GetEcfResults(), 3)
}

// evaluate records a complete evaluation for juror p: every competence at
// the MSP, CCP3 not mastered, and CCP1-C1 at the entretien final (R43).
func evaluate(t *testing.T, e *env, p auth.Principal, subject, sessionID, candidacyID string) *assessmentv1.Evaluation {
	t.Helper()
	ctx := context.Background()
	got, err := e.client.GetEvaluation(ctx, &assessmentv1.GetEvaluationRequest{SessionId: sessionID, CandidacyId: candidacyID, JurorSubject: subject}, e.as(t, p))
	require.NoError(t, err)
	require.Equal(t, "0", got.GetEvaluation().GetEtag())
	require.Equal(t, []string{"CCP1-C1", "CCP1-C2", "CCP2-C1", "CCP2-C2", "CCP3-C1"}, got.GetEvaluation().GetMissingCompetences())
	var items []*assessmentv1.EvaluationItem
	for _, c := range got.GetEvaluation().GetMissingCompetences() {
		v := assessmentv1.Verdict_VERDICT_MASTERED
		if c == "CCP3-C1" {
			v = assessmentv1.Verdict_VERDICT_NOT_MASTERED
		}
		items = append(items, &assessmentv1.EvaluationItem{CompetenceCode: c, Verdict: v, Observation: "observed",
			Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE})
	}
	items = append(items, &assessmentv1.EvaluationItem{CompetenceCode: "CCP1-C1", Verdict: assessmentv1.Verdict_VERDICT_MASTERED,
		Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_ENTRETIEN_FINAL})
	resp, err := e.client.UpdateEvaluation(ctx, &assessmentv1.UpdateEvaluationRequest{SessionId: sessionID, CandidacyId: candidacyID,
		JurorSubject: subject, Evaluation: &assessmentv1.Evaluation{Etag: "0", Items: items}}, e.as(t, p))
	require.NoError(t, err)
	require.True(t, resp.GetEvaluation().GetComplete())
	require.Equal(t, "1", resp.GetEvaluation().GetEtag())
	return resp.GetEvaluation()
}

func partialDecision(sessionID, candidacyID string) *assessmentv1.DeliberateCandidacyRequest {
	return &assessmentv1.DeliberateCandidacyRequest{SessionId: sessionID, CandidacyId: candidacyID, CcpDecisions: []*assessmentv1.CcpDecision{
		{CcpCode: "CCP1", Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED},
		{CcpCode: "CCP2", Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED},
		{CcpCode: "CCP3", Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED, Motivation: "budget preparation not mastered"},
	}}
}

func TestService_WholeSessionPublishesMinutesSigned(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	sessionID, candidacyID := planned(t, e)

	// The retry of the create returns the same session.
	again, err := e.client.CreateSession(ctx, &assessmentv1.CreateSessionRequest{
		Session: titreSession(), RequestId: "6f1c1c1e-8a53-4a8e-9a55-2f0f7f0b6a01"}, e.as(t, centre))
	require.NoError(t, err)
	require.Equal(t, sessionID, again.GetSession().GetId())
	require.Equal(t, "CENTRE-69-001", again.GetSession().GetCentreId())
	require.Equal(t, []string{"CCP1", "CCP2", "CCP3"}, again.GetSession().GetCcpCodes())

	submitDossier(t, e, sessionID, candidacyID)
	opened, err := e.client.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: sessionID}, e.as(t, centre))
	require.NoError(t, err)
	require.Equal(t, assessmentv1.SessionState_SESSION_STATE_IN_PROGRESS, opened.GetSession().GetState())
	require.Equal(t, int32(2), opened.GetSession().GetJurorCount())

	evaluate(t, e, juror1, "me", sessionID, candidacyID)
	evaluate(t, e, juror2, "juror-2", sessionID, candidacyID)

	// A juror not on the jury is refused; a juror reads only their own evaluation.
	_, err = e.client.UpdateEvaluation(ctx, &assessmentv1.UpdateEvaluationRequest{SessionId: sessionID, CandidacyId: candidacyID,
		JurorSubject: "me", Evaluation: &assessmentv1.Evaluation{}}, e.as(t, outsider))
	requireStatus(t, err, codes.PermissionDenied, "JUROR_NOT_ASSIGNED", "")
	_, err = e.client.GetEvaluation(ctx, &assessmentv1.GetEvaluationRequest{SessionId: sessionID, CandidacyId: candidacyID, JurorSubject: "juror-2"}, e.as(t, juror1))
	requireStatus(t, err, codes.PermissionDenied, "EVALUATION_ACCESS_DENIED", "")

	decided, err := e.client.DeliberateCandidacy(ctx, partialDecision(sessionID, candidacyID), e.as(t, juror1))
	require.NoError(t, err)
	require.Equal(t, assessmentv1.TitleOutcome_TITLE_OUTCOME_PARTIAL, decided.GetCandidacy().GetDeliberation().GetTitleOutcome())

	// The candidate sees the candidacy, not the decision, and not the minutes.
	own, err := e.client.GetCandidacy(ctx, &assessmentv1.GetCandidacyRequest{SessionId: sessionID, CandidacyId: candidacyID}, e.as(t, camille))
	require.NoError(t, err)
	require.Nil(t, own.GetCandidacy().GetDeliberation())
	_, err = e.client.GetMinutes(ctx, &assessmentv1.GetMinutesRequest{SessionId: sessionID}, e.as(t, camille))
	requireStatus(t, err, codes.PermissionDenied, "SESSION_ACCESS_DENIED", "")

	minutes, err := e.client.GetMinutes(ctx, &assessmentv1.GetMinutesRequest{SessionId: sessionID}, e.as(t, juror2))
	require.NoError(t, err)
	hash := minutes.GetMinutes().GetContentHash()
	require.Equal(t, assessmentv1.SessionState_SESSION_STATE_DELIBERATED, minutes.GetMinutes().GetSessionState())
	require.Equal(t, []string{"juror-1", "juror-2"}, minutes.GetMinutes().GetUnsignedJurors())

	_, err = e.client.SignMinutes(ctx, &assessmentv1.SignMinutesRequest{SessionId: sessionID, ContentHash: "00"}, e.as(t, juror1))
	requireStatus(t, err, codes.FailedPrecondition, "MINUTES_CHANGED", "R50")
	_, err = e.client.SignMinutes(ctx, &assessmentv1.SignMinutesRequest{SessionId: sessionID, ContentHash: hash}, e.as(t, juror1))
	require.NoError(t, err)
	signed, err := e.client.SignMinutes(ctx, &assessmentv1.SignMinutesRequest{SessionId: sessionID, ContentHash: hash}, e.as(t, juror2))
	require.NoError(t, err)
	require.Equal(t, assessmentv1.SessionState_SESSION_STATE_CLOSED, signed.GetMinutes().GetSessionState())
	require.Len(t, signed.GetMinutes().GetSignatures(), 2)

	// Scoring after close: refused, naming R50.
	_, err = e.client.UpdateEvaluation(ctx, &assessmentv1.UpdateEvaluationRequest{SessionId: sessionID, CandidacyId: candidacyID,
		JurorSubject: "me", Evaluation: &assessmentv1.Evaluation{Etag: "1"}}, e.as(t, juror1))
	requireStatus(t, err, codes.FailedPrecondition, "SESSION_CLOSED", "R50")

	// MinutesSigned carries every decision and signature, and its hash can
	// be recomputed from the event as events.proto documents.
	var ev assessmentv1.MinutesSigned
	eventually(t, "MinutesSigned on TITREPRO_ASSESSMENT", func() error {
		m, err := e.lastEvent(ctx, "titrepro.assessment.v1.minutes_signed", "sessions/"+sessionID+"/minutes")
		if err != nil {
			return err
		}
		if m.Header.Get("ce-type") != "titrepro.assessment.v1.MinutesSigned" {
			return errors.New("wrong ce-type " + m.Header.Get("ce-type"))
		}
		return proto.Unmarshal(m.Data, &ev)
	})
	require.Equal(t, sessionID, ev.GetSessionId())
	require.Equal(t, "CENTRE-69-001", ev.GetCentreId())
	require.Equal(t, "2026-06-03", ev.GetJuryDate())
	require.Equal(t, hash, ev.GetContentHash())
	require.Len(t, ev.GetSignatures(), 2)
	require.Len(t, ev.GetLines(), 1)
	line := ev.GetLines()[0]
	require.Equal(t, candidateID, line.GetCandidateId())
	require.Equal(t, assessmentv1.TitleOutcome_TITLE_OUTCOME_PARTIAL, line.GetTitleOutcome())
	require.Equal(t, "budget preparation not mastered", line.GetCcpDecisions()[2].GetMotivation())
	require.Equal(t, hash, recomputeHash(t, &ev))

	// The other events are there too.
	for _, subject := range []string{"session_planned", "juror_assigned", "candidacy_registered"} {
		st, err := e.js.Stream(ctx, "TITREPRO_ASSESSMENT")
		require.NoError(t, err)
		_, err = st.GetLastMsgForSubject(ctx, "titrepro.assessment.v1."+subject)
		require.NoError(t, err, subject)
	}
}

// recomputeHash rebuilds the minutes' canonical content from a
// MinutesSigned event as a consumer would (docs/signatures.md): the JSON
// object of titrepro-minutes/2, jurors from the signatures sorted by
// subject, RFC 8785, SHA-256.
func recomputeHash(t *testing.T, ev *assessmentv1.MinutesSigned) string {
	t.Helper()
	require.Equal(t, "titrepro-minutes/2", ev.GetContentEncoding())
	var lines []map[string]any
	for _, l := range ev.GetLines() {
		var decisions []map[string]any
		for _, d := range l.GetCcpDecisions() {
			decisions = append(decisions, map[string]any{"ccp_code": d.GetCcpCode(), "outcome": d.GetOutcome().String(), "motivation": d.GetMotivation()})
		}
		lines = append(lines, map[string]any{"candidacy_id": l.GetCandidacyId(), "candidate_id": l.GetCandidateId(),
			"ccp_decisions": decisions, "title_outcome": l.GetTitleOutcome().String(), "dossier_manifest_hash": l.GetDossierManifestHash()})
	}
	var jurors []map[string]any
	for _, s := range ev.GetSignatures() {
		jurors = append(jurors, map[string]any{"juror_subject": s.GetJurorSubject(), "juror_name": s.GetJurorName()})
	}
	slices.SortFunc(jurors, func(a, b map[string]any) int {
		return strings.Compare(a["juror_subject"].(string), b["juror_subject"].(string))
	})
	b, err := canonjson.Marshal(map[string]any{"format": ev.GetContentEncoding(), "session_id": ev.GetSessionId(),
		"centre_id": ev.GetCentreId(), "type": ev.GetType().String(), "title_id": ev.GetTitleId(),
		"title_version": ev.GetTitleVersion(), "jury_date": ev.GetJuryDate(), "lines": lines, "jurors": jurors})
	require.NoError(t, err)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestService_Refusals(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	sessionID, candidacyID := planned(t, e)

	t.Run("R21: a juror linked to a registered candidate's training organisation is refused", func(t *testing.T) {
		_, err := e.client.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: sessionID, Juror: jurorMsg("juror-3",
			&assessmentv1.DeclaredLink{Kind: assessmentv1.LinkKind_LINK_KIND_TRAINING_ORGANISATION, Value: "afpa  LYON"})}, e.as(t, centre))
		requireStatus(t, err, codes.FailedPrecondition, "JUROR_CONFLICT_OF_INTEREST", "R21")
	})
	t.Run("R16: a habilitation ending before the session ends is refused", func(t *testing.T) {
		j := jurorMsg("juror-4")
		j.Habilitation.ValidTo = "2026-06-02"
		_, err := e.client.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: sessionID, Juror: j}, e.as(t, centre))
		requireStatus(t, err, codes.FailedPrecondition, "HABILITATION_NOT_COVERING", "R16")
	})
	t.Run("another centre may not manage the session", func(t *testing.T) {
		_, err := e.client.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: sessionID, Juror: jurorMsg("juror-5")}, e.as(t, otherCentre))
		requireStatus(t, err, codes.PermissionDenied, "SESSION_ACCESS_DENIED", "")
		_, err = e.client.GetSession(ctx, &assessmentv1.GetSessionRequest{SessionId: "0197a5d0-0000-7000-8000-00000000dead"}, e.as(t, otherCentre))
		requireStatus(t, err, codes.PermissionDenied, "SESSION_ACCESS_DENIED", "")
		_, err = e.client.GetSession(ctx, &assessmentv1.GetSessionRequest{SessionId: "0197a5d0-0000-7000-8000-00000000dead"}, e.as(t, ministry))
		requireStatus(t, err, codes.NotFound, "SESSION_NOT_FOUND", "")
	})
	t.Run("unknown title and candidate", func(t *testing.T) {
		s := titreSession()
		s.TitleVersion = "1999"
		_, err := e.client.CreateSession(ctx, &assessmentv1.CreateSessionRequest{Session: s}, e.as(t, centre))
		requireStatus(t, err, codes.FailedPrecondition, "TITLE_UNKNOWN", "")
		_, err = e.client.CreateCandidacy(ctx, &assessmentv1.CreateCandidacyRequest{SessionId: sessionID,
			Candidacy: &assessmentv1.Candidacy{CandidateId: "0197a5d0-0000-7000-8000-0000000000ff"}}, e.as(t, centre))
		requireStatus(t, err, codes.FailedPrecondition, "CANDIDATE_UNKNOWN", "")
	})

	submitDossier(t, e, sessionID, candidacyID)
	_, err := e.client.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: sessionID}, e.as(t, centre))
	require.NoError(t, err)
	evaluate(t, e, juror1, "me", sessionID, candidacyID)

	t.Run("R49: deliberation with a juror's evaluation missing is refused", func(t *testing.T) {
		_, err := e.client.DeliberateCandidacy(ctx, partialDecision(sessionID, candidacyID), e.as(t, juror1))
		requireStatus(t, err, codes.FailedPrecondition, "EVALUATION_MISSING", "R49")
	})
	t.Run("R48: a CCP not obtained needs a motivation", func(t *testing.T) {
		req := partialDecision(sessionID, candidacyID)
		req.CcpDecisions[2].Motivation = ""
		_, err := e.client.DeliberateCandidacy(ctx, req, e.as(t, juror1))
		requireStatus(t, err, codes.InvalidArgument, "INVALID_ARGUMENT", "R48")
	})
	t.Run("a stale evaluation etag is refused", func(t *testing.T) {
		_, err := e.client.UpdateEvaluation(ctx, &assessmentv1.UpdateEvaluationRequest{SessionId: sessionID, CandidacyId: candidacyID,
			JurorSubject: "me", Evaluation: &assessmentv1.Evaluation{Etag: "0"}}, e.as(t, juror1))
		requireStatus(t, err, codes.Aborted, "EVALUATION_VERSION_CONFLICT", "")
	})
}

func TestService_ConflictedCandidacyAndJurySize(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	e.publishTitle(t)
	e.publishCandidate(t, candidateID, camille.Subject, "GRETA Lyon")
	s, err := e.client.CreateSession(ctx, &assessmentv1.CreateSessionRequest{Session: titreSession()}, e.as(t, centre))
	require.NoError(t, err)
	id := s.GetSession().GetId()
	_, err = e.client.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: id, Juror: jurorMsg("juror-1",
		&assessmentv1.DeclaredLink{Kind: assessmentv1.LinkKind_LINK_KIND_EMPLOYER, Value: "ACME"})}, e.as(t, centre))
	require.NoError(t, err)

	// R21 runs again when a candidacy is added after the jury.
	_, err = e.client.CreateCandidacy(ctx, &assessmentv1.CreateCandidacyRequest{SessionId: id,
		Candidacy: &assessmentv1.Candidacy{CandidateId: candidateID, Employer: "acme"}}, e.as(t, centre))
	requireStatus(t, err, codes.FailedPrecondition, "JUROR_CONFLICT_OF_INTEREST", "R21")
	_, err = e.client.CreateCandidacy(ctx, &assessmentv1.CreateCandidacyRequest{SessionId: id,
		Candidacy: &assessmentv1.Candidacy{CandidateId: candidateID}}, e.as(t, centre))
	require.NoError(t, err)

	// R19: one juror is not a jury.
	_, err = e.client.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: id}, e.as(t, centre))
	requireStatus(t, err, codes.FailedPrecondition, "JURY_TOO_SMALL", "R19")

	// The session lists: the centre sees it, the juror sees it, another centre does not.
	for p, want := range map[*auth.Principal]int{&centre: 1, &juror1: 1, &otherCentre: 0, &camille: 1, &ministry: 1} {
		list, err := e.client.ListSessions(ctx, &assessmentv1.ListSessionsRequest{}, e.as(t, *p))
		require.NoError(t, err)
		require.Len(t, list.GetSessions(), want, "sessions listed for %s", p.Subject)
	}
}
