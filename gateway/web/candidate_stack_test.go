package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/natstest"
	"github.com/titrepro/titrepro/services/assessment"
	"github.com/titrepro/titrepro/services/candidate"
	"github.com/titrepro/titrepro/services/certification"
	"github.com/titrepro/titrepro/services/portfolio"
)

// stack is the four real services (SQLite, an in-process JetStream, the
// referential of TP-00495) with the web application in front of them, as
// the all-in-one runs them. Tests act through the web application as the
// candidate, and through gRPC as the other people of the workflow (the
// centre, the jurors, the ministry), whose screens are not under test here.
type stack struct {
	issuer *auth.LocalIssuer
	app    *App
	srv    *httptest.Server
	cand   candidatev1.CandidateServiceClient
	cert   certificationv1.CertificationServiceClient
	assess assessmentv1.AssessmentServiceClient
	port   portfoliov1.PortfolioServiceClient
}

// service is what the stack needs of a service.
type service interface {
	Run(ctx context.Context) error
	Addr() string
}

// stackWait bounds the waits for events to cross the bus.
const stackWait = 20 * time.Second

// startStack starts the services and the web application; everything
// stops at cleanup.
func startStack(t testing.TB) *stack {
	t.Helper()
	ns := natstest.RunJetStream(t)
	dir := t.TempDir()
	issuer, err := auth.LoadOrCreateLocalIssuer(dir, "https://titrepro.test", "titrepro")
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := auth.NewJWKSVerifier(issuer.VerifierOptions())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sqlite := func(name string) string { return "sqlite://" + filepath.Join(dir, name+".db") }
	listen := func() net.Listener {
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return lis
	}
	js := func(name string) jetstream.JetStream { _, j := natstest.ConnectAs(t, ns, name); return j }
	ctx := context.Background()
	must := func(svc service, err error) service {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}

	candCfg, _ := candidate.LoadConfig(func(string) string { return "" })
	candCfg.DatabaseURL, candCfg.ShutdownTimeout = sqlite("candidate"), 5*time.Second
	candSvc := must(candidate.New(ctx, candCfg, candidate.Deps{Logger: log, Verifier: verifier, JetStream: js("candidate"), Listener: listen()}))

	certCfg, _ := certification.LoadConfig(func(string) string { return "" })
	certCfg.DatabaseURL, certCfg.ShutdownTimeout = sqlite("certification"), 5*time.Second
	certCfg.ReferentielsDir = filepath.Join("..", "..", "referentiels")
	certCfg.SigningKeyFile = filepath.Join(dir, "certificate-ed25519.pem")
	certCfg.RetiredKeysFile = filepath.Join(dir, "certificate-keys-retired.json")
	certSvc := must(certification.New(ctx, certCfg, certification.Deps{Logger: log, Verifier: verifier, JetStream: js("certification"), Listener: listen()}))

	assessCfg, _ := assessment.LoadConfig(func(string) string { return "" })
	assessCfg.DatabaseURL, assessCfg.ShutdownTimeout = sqlite("assessment"), 5*time.Second
	assessSvc := must(assessment.New(ctx, assessCfg, assessment.Deps{Logger: log, Verifier: verifier, JetStream: js("assessment"), Listener: listen()}))

	portCfg, _ := portfolio.LoadConfig(func(string) string { return "" })
	portCfg.DatabaseURL, portCfg.ShutdownTimeout = sqlite("portfolio"), 5*time.Second
	portCfg.BlobURL = "file://" + filepath.Join(dir, "blobs")
	portSvc := must(portfolio.New(ctx, portCfg, portfolio.Deps{Logger: log, Verifier: verifier, JetStream: js("portfolio"), Listener: listen()}))

	runCtx, stop := context.WithCancel(ctx)
	services := []service{candSvc, certSvc, assessSvc, portSvc}
	done := make(chan error, len(services))
	for _, svc := range services {
		go func() { done <- svc.Run(runCtx) }()
	}
	t.Cleanup(func() {
		stop()
		for range services {
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("a service stopped with: %v", err)
				}
			case <-time.After(stackWait):
				t.Errorf("a service did not stop")
				return
			}
		}
	})
	conn := func(svc service) *grpc.ClientConn {
		c, err := grpcx.Dial(svc.Addr())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	conns := Conns{Candidate: conn(candSvc), Certification: conn(certSvc), Assessment: conn(assessSvc), Portfolio: conn(portSvc)}

	srv := httptest.NewUnstartedServer(nil)
	app, err := New(Config{PublicURL: "http://" + srv.Listener.Addr().String(), Logger: log}, conns)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = app
	srv.Start()
	t.Cleanup(srv.Close)
	return &stack{
		issuer: issuer, app: app, srv: srv,
		cand:   candidatev1.NewCandidateServiceClient(conns.Candidate),
		cert:   certificationv1.NewCertificationServiceClient(conns.Certification),
		assess: assessmentv1.NewAssessmentServiceClient(conns.Assessment),
		port:   portfoliov1.NewPortfolioServiceClient(conns.Portfolio),
	}
}

// candidatePerson is someone of the workflow: a principal and its token.
type candidatePerson struct {
	auth.Principal
	token string
}

// newPerson mints a token for a new person with role (and centre).
func (s *stack) newPerson(t testing.TB, role auth.Role, centre string) candidatePerson {
	t.Helper()
	p := auth.Principal{Subject: string(role) + "-" + uuid.NewString()[:8], Roles: []auth.Role{role}, Centre: centre}
	tok, err := s.issuer.Issue(p, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return candidatePerson{Principal: p, token: tok}
}

// ctx is a context carrying p's token, for the gRPC calls the test makes
// as p.
func (p candidatePerson) ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), stackWait)
	t.Cleanup(cancel)
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+p.token)
}

// signIn returns a browser (cookies, no redirects followed) signed in to
// the web application as p: the session cookie the login would set.
func (s *stack) signIn(t testing.TB, p candidatePerson) *http.Client {
	t.Helper()
	value, err := s.app.cookies.seal(sessionPurpose, Session{
		Subject: p.Subject, Roles: p.Roles, Centre: p.Centre, AccessToken: p.token,
		Expiry: time.Now().Add(time.Hour), CSRFSecret: newCSRFSecret(),
	})
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(s.srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: sessionCookiePlain, Value: value, Path: "/"}})
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// csrfOf returns the CSRF token of the first form of a page.
func csrfOf(t testing.TB, body string) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page has no form with a CSRF token")
	}
	return m[1]
}

// postForm sends a form as a browser does: the CSRF token of the page it
// came from, and the page's origin.
func (s *stack) postForm(t testing.TB, c *http.Client, path, csrf string, form url.Values) page {
	t.Helper()
	form.Set(CSRFField, csrf)
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.srv.URL)
	return do(t, c, req)
}

// eventually retries call while it fails with one of the reasons that only
// mean "the event has not crossed the bus yet".
func eventually(t testing.TB, call func() error) {
	t.Helper()
	deadline := time.Now().Add(stackWait)
	for {
		err := call()
		if err == nil {
			return
		}
		switch refusalReason(err) {
		case "CANDIDATE_UNKNOWN", "SESSION_UNKNOWN", "TITLE_UNKNOWN", "CANDIDATE_NOT_KNOWN", "SESSION_NOT_KNOWN",
			"CANDIDACY_UNKNOWN", "RESULT_NOT_FOUND", "MINUTES_NOT_SIGNED":
		default:
			t.Fatalf("call failed: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("still failing after %s: %v", stackWait, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitUntil polls cond until it holds.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(stackWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// registerCandidate creates p's candidate record through gRPC and returns
// its id.
func (s *stack) registerCandidate(t testing.TB, p candidatePerson) string {
	t.Helper()
	resp, err := s.cand.CreateCandidate(p.ctx(t), &candidatev1.CreateCandidateRequest{RequestId: uuid.NewString(), Candidate: &candidatev1.Candidate{
		BirthName: "Durand", GivenNames: []string{"Camille"}, BirthDate: "1994-03-12",
		BirthPlace: &candidatev1.BirthPlace{Commune: "Lyon", CountryCode: "FR"},
		Email:      "camille.durand@example.org",
		PostalAddress: &commonv1.PostalAddress{
			Lines: []string{"12 rue des Lilas"}, PostalCode: "69003", Locality: "Lyon", CountryCode: "FR",
		},
		AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_TRAINING,
		Training:    &candidatev1.TrainingEnrolment{Organisation: "AFPA Lyon"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetCandidate().GetId()
}

// title returns the catalogue's TP-00495.
func (s *stack) title(t testing.TB) *certificationv1.Title {
	t.Helper()
	resp, err := s.cert.GetTitle(context.Background(), &certificationv1.GetTitleRequest{TitleId: "TP-00495"})
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetTitle()
}

// planned is a session the centre planned, with its jury.
type planned struct {
	id     string
	centre candidatePerson
	jurors []candidatePerson
}

// planSession has a new centre plan a session of typ (ccps for a session
// CCP) with two jurors.
func (s *stack) planSession(t testing.TB, typ assessmentv1.SessionType, ccps []string) planned {
	t.Helper()
	title := s.title(t)
	centre := s.newPerson(t, auth.RoleCentre, "CENTRE-"+uuid.NewString()[:8])
	today := time.Now().UTC()
	var resp *assessmentv1.CreateSessionResponse
	eventually(t, func() (err error) {
		resp, err = s.assess.CreateSession(centre.ctx(t), &assessmentv1.CreateSessionRequest{RequestId: uuid.NewString(), Session: &assessmentv1.Session{
			Type: typ, TitleId: title.GetId(), TitleVersion: title.GetVersion(), CcpCodes: ccps,
			Site: "AFPA Lyon Vénissieux", StartDate: today.Format(time.DateOnly), EndDate: today.AddDate(0, 0, 1).Format(time.DateOnly),
			DossierDeadline: today.Format(time.DateOnly),
		}})
		return err
	})
	p := planned{id: resp.GetSession().GetId(), centre: centre}
	for i := range 2 {
		j := s.newPerson(t, auth.RoleJuror, "")
		_, err := s.assess.AddJuror(centre.ctx(t), &assessmentv1.AddJurorRequest{SessionId: p.id, Juror: &assessmentv1.Juror{
			Subject: j.Subject, DisplayName: fmt.Sprintf("Juré %d", i+1),
			Habilitation: &assessmentv1.Habilitation{
				Number: fmt.Sprintf("HAB-69-%04d", i+1), TitleId: title.GetId(),
				ValidFrom: today.AddDate(-1, 0, 0).Format(time.DateOnly), ValidTo: today.AddDate(2, 0, 0).Format(time.DateOnly),
			},
		}})
		if err != nil {
			t.Fatal(err)
		}
		p.jurors = append(p.jurors, j)
	}
	return p
}

// registerCandidacy has the centre register candidateID to the session and
// waits until the portfolio service knows the candidacy.
func (s *stack) registerCandidacy(t testing.TB, p planned, candidateID string) string {
	t.Helper()
	var resp *assessmentv1.CreateCandidacyResponse
	eventually(t, func() (err error) {
		resp, err = s.assess.CreateCandidacy(p.centre.ctx(t), &assessmentv1.CreateCandidacyRequest{
			SessionId: p.id, RequestId: uuid.NewString(), Candidacy: &assessmentv1.Candidacy{CandidateId: candidateID},
		})
		return err
	})
	return resp.GetCandidacy().GetId()
}

// runJury opens the session, has both jurors score every competence of
// the candidacy (NOT_MASTERED for the CCPs in failed), deliberates (with a
// motivation for each failed CCP), signs the minutes and has the ministry
// validate them. The candidacy's dossier must be submitted.
func (s *stack) runJury(t testing.TB, p planned, candidacyID string, failed map[string]string) {
	t.Helper()
	title := s.title(t)
	if _, err := s.assess.OpenSession(p.centre.ctx(t), &assessmentv1.OpenSessionRequest{SessionId: p.id}); err != nil {
		t.Fatal(err)
	}
	var scope []string
	waitUntil(t, "the dossier to reach the candidacy", func() bool {
		got, err := s.assess.GetCandidacy(p.centre.ctx(t), &assessmentv1.GetCandidacyRequest{SessionId: p.id, CandidacyId: candidacyID})
		if err != nil {
			t.Fatal(err)
		}
		scope = got.GetCandidacy().GetCcpCodes()
		return got.GetCandidacy().GetDossierSnapshotId() != ""
	})
	for _, j := range p.jurors {
		cur, err := s.assess.GetEvaluation(j.ctx(t), &assessmentv1.GetEvaluationRequest{SessionId: p.id, CandidacyId: candidacyID, JurorSubject: "me"})
		if err != nil {
			t.Fatal(err)
		}
		ev := &assessmentv1.Evaluation{Etag: cur.GetEvaluation().GetEtag()}
		for _, ccp := range title.GetCcps() {
			if !strings.Contains(strings.Join(scope, ","), ccp.GetCode()) {
				continue
			}
			verdict := assessmentv1.Verdict_VERDICT_MASTERED
			if _, ko := failed[ccp.GetCode()]; ko {
				verdict = assessmentv1.Verdict_VERDICT_NOT_MASTERED
			}
			for _, comp := range ccp.GetCompetences() {
				ev.Items = append(ev.Items, &assessmentv1.EvaluationItem{CompetenceCode: comp.GetCode(), Verdict: verdict,
					Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE})
			}
		}
		if _, err := s.assess.UpdateEvaluation(j.ctx(t), &assessmentv1.UpdateEvaluationRequest{SessionId: p.id, CandidacyId: candidacyID, JurorSubject: "me", Evaluation: ev}); err != nil {
			t.Fatal(err)
		}
	}
	req := &assessmentv1.DeliberateCandidacyRequest{SessionId: p.id, CandidacyId: candidacyID}
	for _, code := range scope {
		d := &assessmentv1.CcpDecision{CcpCode: code, Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED}
		if why, ko := failed[code]; ko {
			d.Outcome, d.Motivation = assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED, why
		}
		req.CcpDecisions = append(req.CcpDecisions, d)
	}
	if _, err := s.assess.DeliberateCandidacy(p.jurors[0].ctx(t), req); err != nil {
		t.Fatal(err)
	}
	minutes, err := s.assess.GetMinutes(p.jurors[0].ctx(t), &assessmentv1.GetMinutesRequest{SessionId: p.id})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range p.jurors {
		if _, err := s.assess.SignMinutes(j.ctx(t), &assessmentv1.SignMinutesRequest{SessionId: p.id, ContentHash: minutes.GetMinutes().GetContentHash()}); err != nil {
			t.Fatal(err)
		}
	}
	ministry := s.newPerson(t, auth.RoleMinistry, "")
	eventually(t, func() error {
		_, err := s.cert.ValidateResult(ministry.ctx(t), &certificationv1.ValidateResultRequest{SessionId: p.id})
		return err
	})
}
