package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/svctest"
	"github.com/titrepro/titrepro/services/assessment"
	"github.com/titrepro/titrepro/services/candidate"
	"github.com/titrepro/titrepro/services/certification"
	"github.com/titrepro/titrepro/services/portfolio"
)

// backend is the four real services on one embedded JetStream, as the
// all-in-one runs them, with clients that play the people of the jury
// workflow over gRPC. The web application under test talks to the same
// services through Conns with the tokens of the sessions a test opens.
type backend struct {
	env    *svctest.Env
	conns  Conns
	cand   candidatev1.CandidateServiceClient
	assess assessmentv1.AssessmentServiceClient
	port   portfoliov1.PortfolioServiceClient
	cert   certificationv1.CertificationServiceClient
	title  *certificationv1.Title // TP-00495, from the repository's referentials
}

// startBackend runs the four services on SQLite files in a temporary
// folder until the test ends.
func startBackend(t testing.TB) *backend {
	t.Helper()
	e := svctest.NewEnv(t)
	dir := t.TempDir()
	sqlite := func(name string) string { return "sqlite://" + filepath.Join(dir, name+".db") }
	none := func(string) string { return "" }

	candCfg, err := candidate.LoadConfig(none)
	if err != nil {
		t.Fatal(err)
	}
	candCfg.DatabaseURL, candCfg.ShutdownTimeout = sqlite("candidate"), 5*time.Second
	candSvc, err := candidate.New(t.Context(), candCfg, candidate.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "candidate"), Listener: svctest.Listen(t),
	})
	if err != nil {
		t.Fatalf("candidate service: %v", err)
	}
	certCfg := certification.Config{
		DatabaseURL: sqlite("certification"), ShutdownTimeout: 5 * time.Second,
		SigningKeyFile:  filepath.Join(dir, "certificate-ed25519.pem"),
		RetiredKeysFile: filepath.Join(dir, "certificate-keys-retired.json"),
	}
	certSvc, err := certification.New(t.Context(), certCfg, certification.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "certification"), Listener: svctest.Listen(t),
		Referentiels: os.DirFS("../../referentiels"),
	})
	if err != nil {
		t.Fatalf("certification service: %v", err)
	}
	assessCfg, err := assessment.LoadConfig(none)
	if err != nil {
		t.Fatal(err)
	}
	assessCfg.DatabaseURL, assessCfg.ShutdownTimeout = sqlite("assessment"), 5*time.Second
	assessSvc, err := assessment.New(t.Context(), assessCfg, assessment.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "assessment"), Listener: svctest.Listen(t),
	})
	if err != nil {
		t.Fatalf("assessment service: %v", err)
	}
	portCfg, err := portfolio.LoadConfig(none)
	if err != nil {
		t.Fatal(err)
	}
	portCfg.DatabaseURL, portCfg.BlobURL, portCfg.ShutdownTimeout = sqlite("portfolio"), "mem://", 5*time.Second
	portSvc, err := portfolio.New(t.Context(), portCfg, portfolio.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "portfolio"), Listener: svctest.Listen(t),
	})
	if err != nil {
		t.Fatalf("portfolio service: %v", err)
	}

	b := &backend{env: e, conns: Conns{
		Candidate:     svctest.Start(t, candSvc).Conn,
		Certification: svctest.Start(t, certSvc).Conn,
		Assessment:    svctest.Start(t, assessSvc).Conn,
		Portfolio:     svctest.Start(t, portSvc).Conn,
	}}
	b.cand = candidatev1.NewCandidateServiceClient(b.conns.Candidate)
	b.cert = certificationv1.NewCertificationServiceClient(b.conns.Certification)
	b.assess = assessmentv1.NewAssessmentServiceClient(b.conns.Assessment)
	b.port = portfoliov1.NewPortfolioServiceClient(b.conns.Portfolio)
	resp, err := b.cert.GetTitle(t.Context(), &certificationv1.GetTitleRequest{TitleId: "TP-00495"})
	if err != nil {
		t.Fatal(err)
	}
	b.title = resp.GetTitle()
	return b
}

// token returns an access token for p that the services accept.
func (b *backend) token(t testing.TB, p auth.Principal) string {
	t.Helper()
	tok, err := b.env.Issuer.Issue(p, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (b *backend) as(t testing.TB, p auth.Principal) grpc.CallOption {
	t.Helper()
	return b.env.As(t, p)
}

// eventualReasons are the refusals that only mean that an event has not
// reached a service yet (as in cmd/titrepro/workflow.go).
var eventualReasons = []string{"CANDIDATE_UNKNOWN", "SESSION_UNKNOWN", "TITLE_UNKNOWN", "CANDIDATE_NOT_KNOWN", "SESSION_NOT_KNOWN", "CANDIDACY_UNKNOWN", "RESULT_NOT_FOUND"}

// retry calls call until it succeeds, while it fails with an eventual
// reason; any other error fails the test at once.
func retry(t testing.TB, what string, call func() error) {
	t.Helper()
	svctest.Eventually(t, what, func() error {
		err := call()
		if err != nil && !slices.Contains(eventualReasons, reasonOf(err)) {
			t.Fatalf("%s: %v", what, err)
		}
		return err
	})
}

func must(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// person is a candidate of a session and what the jury decides.
type person struct {
	Given, Birth string
	Absent       bool
	NotObtained  []string // CCP codes not obtained; every other CCP is
}

// signedSession is a session whose minutes the jury signed.
type signedSession struct {
	ID          string
	Centre      string
	Candidates  []string // candidate ids, in the order of the people
	Candidacies []string
	Jurors      []auth.Principal
}

// motivation is what the jury writes for a CCP not obtained.
const motivation = "Compétences non démontrées lors de la mise en situation professionnelle."

// signMinutes plays a session titre of TP-00495 through the services up to
// the minutes signed by signers of its two jurors: each person registers
// (or the centre registers them), the centre plans the session, composes
// the jury and registers the candidacies, each present person writes and
// submits a complete Dossier Professionnel, the centre opens the session,
// both jurors score every competence, the jury deliberates and signs. With
// signers = 2 it then waits until the certification service has received
// the signed minutes.
func (b *backend) signMinutes(t testing.TB, people []person, signers int) signedSession {
	t.Helper()
	ctx := t.Context()
	run := randomRun()
	s := signedSession{Centre: "CENTRE-69-" + run}
	centre := auth.Principal{Subject: "centre-" + run, Roles: []auth.Role{auth.RoleCentre}, Centre: s.Centre}
	s.Jurors = []auth.Principal{
		{Subject: "jure-1-" + run, Roles: []auth.Role{auth.RoleJuror}},
		{Subject: "jure-2-" + run, Roles: []auth.Role{auth.RoleJuror}},
	}
	subjects := make([]auth.Principal, len(people))
	for i, p := range people {
		subjects[i] = auth.Principal{Subject: fmt.Sprintf("candidat-%d-%s", i, run), Roles: []auth.Role{auth.RoleCandidate}}
		resp, err := b.cand.CreateCandidate(ctx, &candidatev1.CreateCandidateRequest{RequestId: uuid.NewString(), Candidate: &candidatev1.Candidate{
			BirthName: p.Birth, GivenNames: []string{p.Given}, BirthDate: "1994-03-12",
			BirthPlace:  &candidatev1.BirthPlace{Commune: "Lyon", CountryCode: "FR"},
			Email:       fmt.Sprintf("candidat-%d-%s@example.org", i, run),
			AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_TRAINING,
			Training:    &candidatev1.TrainingEnrolment{Organisation: "AFPA Lyon"},
		}}, b.as(t, subjects[i]))
		must(t, "create candidate", err)
		s.Candidates = append(s.Candidates, resp.GetCandidate().GetId())
	}

	today := time.Now().UTC()
	created, err := b.assess.CreateSession(ctx, &assessmentv1.CreateSessionRequest{RequestId: uuid.NewString(), Session: &assessmentv1.Session{
		Type: assessmentv1.SessionType_SESSION_TYPE_TITRE, TitleId: b.title.GetId(), TitleVersion: b.title.GetVersion(),
		Site: "AFPA Lyon Vénissieux", StartDate: today.Format(time.DateOnly), EndDate: today.AddDate(0, 0, 1).Format(time.DateOnly),
		DossierDeadline: today.Format(time.DateOnly),
	}}, b.as(t, centre))
	must(t, "create session", err)
	s.ID = created.GetSession().GetId()
	for i, j := range s.Jurors {
		_, err := b.assess.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: s.ID, Juror: &assessmentv1.Juror{
			Subject: j.Subject, DisplayName: fmt.Sprintf("Juré %d", i+1),
			Habilitation: &assessmentv1.Habilitation{
				Number: fmt.Sprintf("HAB-69-%04d", i+1), TitleId: b.title.GetId(),
				ValidFrom: today.AddDate(-1, 0, 0).Format(time.DateOnly), ValidTo: today.AddDate(2, 0, 0).Format(time.DateOnly),
			},
		}}, b.as(t, centre))
		must(t, "add juror", err)
	}
	for _, id := range s.Candidates {
		var candidacy string
		retry(t, "register the candidacy", func() error {
			resp, err := b.assess.CreateCandidacy(ctx, &assessmentv1.CreateCandidacyRequest{SessionId: s.ID, RequestId: uuid.NewString(),
				Candidacy: &assessmentv1.Candidacy{CandidateId: id}}, b.as(t, centre))
			candidacy = resp.GetCandidacy().GetId()
			return err
		})
		s.Candidacies = append(s.Candidacies, candidacy)
	}
	for i, p := range people {
		if !p.Absent {
			b.submitDossier(t, subjects[i], centre, s.Candidates[i], s.ID, s.Candidacies[i])
		}
	}
	_, err = b.assess.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: s.ID}, b.as(t, centre))
	must(t, "open the session", err)

	for i, p := range people {
		req := &assessmentv1.DeliberateCandidacyRequest{SessionId: s.ID, CandidacyId: s.Candidacies[i], Absent: p.Absent}
		if !p.Absent {
			for _, j := range s.Jurors {
				b.evaluate(t, j, s.ID, s.Candidacies[i], p.NotObtained)
			}
			for _, ccp := range b.title.GetCcps() {
				d := &assessmentv1.CcpDecision{CcpCode: ccp.GetCode(), Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED}
				if slices.Contains(p.NotObtained, ccp.GetCode()) {
					d.Outcome, d.Motivation = assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED, motivation
				}
				req.CcpDecisions = append(req.CcpDecisions, d)
			}
		}
		_, err := b.assess.DeliberateCandidacy(ctx, req, b.as(t, s.Jurors[0]))
		must(t, "deliberate", err)
	}

	minutes, err := b.assess.GetMinutes(ctx, &assessmentv1.GetMinutesRequest{SessionId: s.ID}, b.as(t, s.Jurors[0]))
	must(t, "read the minutes", err)
	for _, j := range s.Jurors[:signers] {
		_, err := b.assess.SignMinutes(ctx, &assessmentv1.SignMinutesRequest{SessionId: s.ID, ContentHash: minutes.GetMinutes().GetContentHash()}, b.as(t, j))
		must(t, "sign the minutes", err)
	}
	if signers == len(s.Jurors) {
		retry(t, "the signed minutes reach the certification service", func() error {
			_, err := b.cert.GetResult(ctx, &certificationv1.GetResultRequest{SessionId: s.ID}, b.as(t, ministry))
			return err
		})
	}
	return s
}

// submitDossier has the person write a complete Dossier Professionnel and
// submit it onto their candidacy, and waits until the candidacy has it.
func (b *backend) submitDossier(t testing.TB, who, centre auth.Principal, candidateID, sessionID, candidacyID string) {
	t.Helper()
	ctx := t.Context()
	var d *portfoliov1.Dossier
	retry(t, "create the dossier", func() error {
		resp, err := b.port.CreateDossier(ctx, &portfoliov1.CreateDossierRequest{RequestId: uuid.NewString(), Dossier: &portfoliov1.Dossier{
			CandidateId: candidateID, TitleId: b.title.GetId(), TitleVersion: b.title.GetVersion(),
		}}, b.as(t, who))
		d = resp.GetDossier()
		return err
	})
	update := &portfoliov1.Dossier{Id: d.GetId(), Etag: d.GetEtag(), SwornStatement: &portfoliov1.SwornStatement{
		SignerName: "Le candidat", Place: "Lyon", Date: time.Now().UTC().Format(time.DateOnly),
	}}
	for _, ccp := range b.title.GetCcps() {
		update.Examples = append(update.Examples, &portfoliov1.PracticeExample{
			CcpCode: ccp.GetCode(), Title: "Exemple pour " + ccp.GetCode(),
			Tasks: "Migration du serveur de fichiers.", Means: "Windows Server, Veeam.", Collaborators: "Responsable informatique.",
			Context: &portfoliov1.PracticeContext{Organisation: "Transports Rhône SA", Unit: "Service informatique", PeriodFrom: "2025-01-06", PeriodTo: "2025-06-27"},
		})
	}
	_, err := b.port.UpdateDossier(ctx, &portfoliov1.UpdateDossierRequest{Dossier: update,
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"examples", "sworn_statement"}}}, b.as(t, who))
	must(t, "write the dossier", err)
	var manifest string
	retry(t, "submit the dossier", func() error {
		resp, err := b.port.SubmitDossier(ctx, &portfoliov1.SubmitDossierRequest{DossierId: d.GetId(), SessionId: sessionID,
			CandidacyId: candidacyID, RequestId: uuid.NewString()}, b.as(t, who))
		manifest = resp.GetSnapshot().GetManifestHash()
		return err
	})
	svctest.Eventually(t, "the snapshot reaches the candidacy", func() error {
		resp, err := b.assess.GetCandidacy(ctx, &assessmentv1.GetCandidacyRequest{SessionId: sessionID, CandidacyId: candidacyID}, b.as(t, centre))
		if err != nil {
			return err
		}
		if resp.GetCandidacy().GetDossierManifestHash() != manifest {
			return fmt.Errorf("candidacy has dossier %q", resp.GetCandidacy().GetDossierManifestHash())
		}
		return nil
	})
}

// evaluate records the juror's verdict on every competence of the title:
// not mastered for the CCPs in notMastered, mastered for the others.
func (b *backend) evaluate(t testing.TB, juror auth.Principal, sessionID, candidacyID string, notMastered []string) {
	t.Helper()
	ctx := t.Context()
	current, err := b.assess.GetEvaluation(ctx, &assessmentv1.GetEvaluationRequest{SessionId: sessionID, CandidacyId: candidacyID, JurorSubject: juror.Subject}, b.as(t, juror))
	must(t, "read the evaluation", err)
	ev := &assessmentv1.Evaluation{Etag: current.GetEvaluation().GetEtag()}
	for _, ccp := range b.title.GetCcps() {
		verdict := assessmentv1.Verdict_VERDICT_MASTERED
		if slices.Contains(notMastered, ccp.GetCode()) {
			verdict = assessmentv1.Verdict_VERDICT_NOT_MASTERED
		}
		for _, comp := range ccp.GetCompetences() {
			ev.Items = append(ev.Items, &assessmentv1.EvaluationItem{
				CompetenceCode: comp.GetCode(), Verdict: verdict,
				Epreuve:     certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE,
				Observation: "Observé pendant la mise en situation.",
			})
		}
	}
	_, err = b.assess.UpdateEvaluation(ctx, &assessmentv1.UpdateEvaluationRequest{SessionId: sessionID, CandidacyId: candidacyID,
		JurorSubject: juror.Subject, Evaluation: ev}, b.as(t, juror))
	must(t, "score", err)
}

// signMany plays n sessions, each with one absent person: the cheapest
// signed minutes. One after the other: a failure stops the test, which
// only the test's goroutine may do.
func (b *backend) signMany(t testing.TB, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		ids[i] = b.signMinutes(t, []person{{Given: "Alex", Birth: fmt.Sprintf("Absent%02d", i), Absent: true}}, 2).ID
	}
	return ids
}

var ministry = auth.Principal{Subject: "agent-dreets-69", Roles: []auth.Role{auth.RoleMinistry}}

func randomRun() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// webOn serves the web application on the backend's services.
func webOn(t testing.TB, b *backend) (*App, *httptest.Server) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	app, err := New(Config{PublicURL: "http://" + srv.Listener.Addr().String(), Logger: b.env.Logger}, b.conns)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = app
	srv.Start()
	t.Cleanup(srv.Close)
	return app, srv
}

// signedIn returns a client whose session cookie holds token as p's
// access token, as after the login round trip (login_test.go tests it),
// and a CSRF token of that session.
func signedIn(t testing.TB, app *App, srv *httptest.Server, p auth.Principal, token string) (*http.Client, string) {
	t.Helper()
	secret := newCSRFSecret()
	value, err := app.cookies.seal(sessionPurpose, Session{Subject: p.Subject, Roles: p.Roles, Centre: p.Centre, AccessToken: token,
		Expiry: time.Now().Add(time.Hour), CSRFSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: sessionCookiePlain, Value: value, Path: "/"}})
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, csrfToken(secret)
}

// reasonOf returns the ErrorInfo reason of a service's error, "" when it
// has none.
func reasonOf(err error) string {
	st, ok := status.FromError(err)
	if !ok {
		return ""
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}
