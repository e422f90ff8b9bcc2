package web

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
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

// The screens of every role are tested against the four real services, in
// process, on SQLite files and an embedded JetStream with the production
// bus identities (svctest), behind the web application on a test server,
// as the all-in-one runs them: a page shows and refuses what the services
// answer, rules included. Only the login is skipped: a test user's session
// cookie is sealed directly, with an access token of the services' issuer
// (login_test.go tests the round trip). What other people of the workflow
// do goes straight to the services' gRPC APIs, through the steps below.

// stack is the four services and the web application in front of them.
type stack struct {
	env    *svctest.Env
	conns  Conns
	app    *App
	srv    *httptest.Server
	cand   candidatev1.CandidateServiceClient
	cert   certificationv1.CertificationServiceClient
	assess assessmentv1.AssessmentServiceClient
	port   portfoliov1.PortfolioServiceClient
}

// startStack runs the services, with the repository's referentials, and
// the web application; everything stops at cleanup.
func startStack(t testing.TB) *stack {
	t.Helper()
	return startStackWith(t, os.DirFS(filepath.Join("..", "..", "referentiels")))
}

// startStackWith is startStack with the title files of referentials.
func startStackWith(t testing.TB, referentials fs.FS) *stack {
	t.Helper()
	e := svctest.NewEnv(t)
	dir := t.TempDir()
	sqlite := func(name string) string { return "sqlite://" + filepath.Join(dir, name+".db") }
	none := func(string) string { return "" }
	const stop = 5 * time.Second

	candCfg, err := candidate.LoadConfig(none)
	stackMust(t, "candidate config", err)
	candCfg.DatabaseURL, candCfg.ShutdownTimeout = sqlite("candidate"), stop
	candCfg.Mail.PickupDir = filepath.Join(dir, "mail")
	candSvc, err := candidate.New(t.Context(), candCfg, candidate.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "candidate"), Listener: svctest.Listen(t)})
	stackMust(t, "candidate service", err)

	certCfg, err := certification.LoadConfig(none)
	stackMust(t, "certification config", err)
	certCfg.DatabaseURL, certCfg.ShutdownTimeout = sqlite("certification"), stop
	certCfg.SigningKeyFile = filepath.Join(dir, "certificate-ed25519.pem")
	certCfg.RetiredKeysFile = filepath.Join(dir, "certificate-keys-retired.json")
	certSvc, err := certification.New(t.Context(), certCfg, certification.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "certification"), Listener: svctest.Listen(t),
		Referentiels: referentials})
	stackMust(t, "certification service", err)

	assessCfg, err := assessment.LoadConfig(none)
	stackMust(t, "assessment config", err)
	assessCfg.DatabaseURL, assessCfg.ShutdownTimeout = sqlite("assessment"), stop
	assessSvc, err := assessment.New(t.Context(), assessCfg, assessment.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "assessment"), Listener: svctest.Listen(t)})
	stackMust(t, "assessment service", err)

	portCfg, err := portfolio.LoadConfig(none)
	stackMust(t, "portfolio config", err)
	portCfg.DatabaseURL, portCfg.ShutdownTimeout = sqlite("portfolio"), stop
	portCfg.BlobURL = "file://" + filepath.Join(dir, "blobs")
	portSvc, err := portfolio.New(t.Context(), portCfg, portfolio.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "portfolio"), Listener: svctest.Listen(t)})
	stackMust(t, "portfolio service", err)

	s := &stack{env: e, conns: Conns{
		Candidate:     svctest.Start(t, candSvc).Conn,
		Certification: svctest.Start(t, certSvc).Conn,
		Assessment:    svctest.Start(t, assessSvc).Conn,
		Portfolio:     svctest.Start(t, portSvc).Conn,
	}}
	s.cand = candidatev1.NewCandidateServiceClient(s.conns.Candidate)
	s.cert = certificationv1.NewCertificationServiceClient(s.conns.Certification)
	s.assess = assessmentv1.NewAssessmentServiceClient(s.conns.Assessment)
	s.port = portfoliov1.NewPortfolioServiceClient(s.conns.Portfolio)

	s.srv = httptest.NewUnstartedServer(nil)
	s.app, err = New(Config{PublicURL: "http://" + s.srv.Listener.Addr().String(), Logger: e.Logger}, s.conns)
	stackMust(t, "web application", err)
	s.srv.Config.Handler = s.app
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	return s
}

func stackMust(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// token returns an access token for p that the services accept.
func (s *stack) token(t testing.TB, p auth.Principal) string {
	t.Helper()
	tok, err := s.env.Issuer.Issue(p, time.Hour)
	stackMust(t, "token", err)
	return tok
}

// as authenticates one gRPC call as p.
func (s *stack) as(t testing.TB, p auth.Principal) grpc.CallOption {
	t.Helper()
	return s.env.As(t, p)
}

// sessionCookie is the cookie the login would set for p with token as
// its access token, and a CSRF token of that session.
func (s *stack) sessionCookie(t testing.TB, p auth.Principal, token string) (*http.Cookie, string) {
	t.Helper()
	secret := newCSRFSecret()
	value, err := s.app.cookies.seal(sessionPurpose, &Session{Subject: p.Subject, Roles: p.Roles, Centre: p.Centre, AccessToken: token,
		Expiry: time.Now().Add(time.Hour), CSRFSecret: secret})
	stackMust(t, "seal the session", err)
	return &http.Cookie{Name: sessionCookiePlain, Value: value, Path: "/"}, csrfToken(secret)
}

// signedIn returns a browser (cookies, redirects not followed) whose
// session holds token as p's access token, and a CSRF token of that
// session.
func (s *stack) signedIn(t testing.TB, p auth.Principal, token string) (*http.Client, string) {
	t.Helper()
	c := browser(t)
	cookie, csrf := s.sessionCookie(t, p, token)
	u, _ := url.Parse(s.srv.URL)
	c.Jar.SetCookies(u, []*http.Cookie{cookie})
	return c, csrf
}

// browserAs returns a browser signed in as p.
func (s *stack) browserAs(t testing.TB, p auth.Principal) *http.Client {
	t.Helper()
	c, _ := s.signedIn(t, p, s.token(t, p))
	return c
}

// signIn opens a web session for p in c's cookie jar.
func (s *stack) signIn(t testing.TB, c *http.Client, p auth.Principal) {
	t.Helper()
	cookie, _ := s.sessionCookie(t, p, s.token(t, p))
	u, _ := url.Parse(s.srv.URL)
	c.Jar.SetCookies(u, []*http.Cookie{cookie})
}

// eventualReasons are the refusals that only mean that an event has not
// crossed the bus yet (as in cmd/titrepro/workflow.go).
var eventualReasons = []string{"CANDIDATE_UNKNOWN", "SESSION_UNKNOWN", "TITLE_UNKNOWN", "CANDIDATE_NOT_KNOWN",
	"SESSION_NOT_KNOWN", "CANDIDACY_UNKNOWN", "RESULT_NOT_FOUND", "MINUTES_NOT_SIGNED",
	"AGREMENT_MISSING", "HABILITATION_UNKNOWN", "CHARTER_NOT_ACCEPTED"}

// eventually calls call until it succeeds, while it fails with an eventual
// reason; any other error fails the test at once.
func eventually(t testing.TB, what string, call func() error) {
	t.Helper()
	svctest.Eventually(t, what, func() error {
		err := call()
		if err != nil && !slices.Contains(eventualReasons, refusalReason(err)) {
			t.Fatalf("%s: %v", what, err)
		}
		return err
	})
}

// waitUntil polls cond until it holds.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	svctest.Eventually(t, what, func() error {
		if !cond() {
			return errors.New("not yet")
		}
		return nil
	})
}

// title returns the latest version of TP-00495.
func (s *stack) title(t testing.TB) *certificationv1.Title {
	t.Helper()
	resp, err := s.cert.GetTitle(t.Context(), &certificationv1.GetTitleRequest{TitleId: "TP-00495"})
	stackMust(t, "TP-00495", err)
	return resp.GetTitle()
}

// The steps of the jury workflow, through the services' APIs.

// candidateRecord is the record of a person trained at AFPA Lyon.
func candidateRecord(birthName, given string) *candidatev1.Candidate {
	return &candidatev1.Candidate{
		BirthName: birthName, GivenNames: []string{given}, BirthDate: "1994-03-12",
		BirthPlace: &candidatev1.BirthPlace{Commune: "Lyon", CountryCode: "FR"},
		Email:      "camille.durand@example.org", Phone: "+33612345678",
		PostalAddress: &commonv1.PostalAddress{Lines: []string{"12 rue des Lilas"}, PostalCode: "69003", Locality: "Lyon", CountryCode: "FR"},
		AccessRoute:   commonv1.AccessRoute_ACCESS_ROUTE_TRAINING,
		Training:      &candidatev1.TrainingEnrolment{Organisation: "AFPA Lyon", TitleId: "TP-00495"},
	}
}

// registerCandidate creates record as who (a person registering
// themselves, or a centre) and returns its id.
func (s *stack) registerCandidate(t testing.TB, who auth.Principal, record *candidatev1.Candidate) string {
	t.Helper()
	resp, err := s.cand.CreateCandidate(t.Context(), &candidatev1.CreateCandidateRequest{RequestId: uuid.NewString(), Candidate: record}, s.as(t, who))
	stackMust(t, "register the candidate", err)
	return resp.GetCandidate().GetId()
}

// jury is a session to plan and its jurors.
type jury struct {
	session *assessmentv1.Session
	jurors  []auth.Principal
	links   map[string][]*assessmentv1.DeclaredLink // by juror subject
}

// sessionFrom is a session of title from today for two days, at a site of
// Lyon, whose dossiers are due today.
func sessionFrom(typ assessmentv1.SessionType, titleID, version string, ccps []string) *assessmentv1.Session {
	today := time.Now().UTC()
	return &assessmentv1.Session{
		Type: typ, TitleId: titleID, TitleVersion: version, CcpCodes: ccps,
		Site: "AFPA Lyon Vénissieux", StartDate: today.Format(time.DateOnly), EndDate: today.AddDate(0, 0, 1).Format(time.DateOnly),
		DossierDeadline: today.Format(time.DateOnly),
	}
}

// planSession has centre plan j's session (once the assessment service
// knows its title) and compose its jury: each juror habilitated for the
// title from a year ago for two years. It returns the session's id.
func (s *stack) planSession(t testing.TB, centre auth.Principal, j jury) string {
	t.Helper()
	s.approve(t, centre.Centre, j.session.GetTitleId(), j.session.GetTitleVersion(), j.session.GetSite())
	var id string
	eventually(t, "plan the session", func() error {
		resp, err := s.assess.CreateSession(t.Context(), &assessmentv1.CreateSessionRequest{RequestId: uuid.NewString(), Session: j.session}, s.as(t, centre))
		id = resp.GetSession().GetId()
		return err
	})
	for i, juror := range j.jurors {
		number := s.habilitate(t, juror.Subject, fmt.Sprintf("Juré %d", i+1), j.session.GetTitleId())
		eventually(t, "add a juror", func() error {
			_, err := s.assess.AddJuror(t.Context(), &assessmentv1.AddJurorRequest{SessionId: id, Juror: &assessmentv1.Juror{
				Subject: juror.Subject, DeclaredLinks: j.links[juror.Subject], Habilitation: &assessmentv1.Habilitation{Number: number},
			}}, s.as(t, centre))
			return err
		})
	}
	return id
}

// registerOfficer is the DREETS officer who keeps the stack's registers.
var registerOfficer = auth.Principal{Subject: "dreets-registres", Roles: []auth.Role{auth.RoleMinistry}}

// approve has the ministry grant centre an agrément for the title version
// at site, from a year ago for two years (R8); granting it again is a
// no-op. The assessment service learns it from the event: callers retry
// until then.
func (s *stack) approve(t testing.TB, centre, titleID, version, site string) {
	t.Helper()
	today := time.Now().UTC()
	id := fmt.Sprintf("AGR-%s-%s-%s-%x", centre, titleID, version, sha256.Sum256([]byte(site)))
	if len(id) > 64 {
		id = id[:64]
	}
	_, err := s.cert.GrantAgrement(t.Context(), &certificationv1.GrantAgrementRequest{Agrement: &certificationv1.Agrement{
		Id: id, CentreId: centre, TitleId: titleID, TitleVersion: version, Site: site,
		ValidFrom: today.AddDate(-1, 0, 0).Format(time.DateOnly), ValidTo: today.AddDate(2, 0, 0).Format(time.DateOnly),
	}}, s.as(t, registerOfficer))
	stackMust(t, "grant an agrément", err)
}

// habilitate has the ministry record a habilitation "HAB-69-<subject>" of
// the juror for titleID, from a year ago for two years (R16), and the
// juror accept the charte (R23); doing it again is a no-op. It returns the
// habilitation number.
func (s *stack) habilitate(t testing.TB, subject, name, titleID string) string {
	t.Helper()
	today := time.Now().UTC()
	number := "HAB-69-" + subject
	_, err := s.cert.GrantHabilitation(t.Context(), &certificationv1.GrantHabilitationRequest{Habilitation: &certificationv1.Habilitation{
		Number: number, JurorSubject: subject, JurorName: name, JurorEmail: "jure@example.org", TitleId: titleID,
		ValidFrom: today.AddDate(-1, 0, 0).Format(time.DateOnly), ValidTo: today.AddDate(2, 0, 0).Format(time.DateOnly),
		Category: certificationv1.HabilitationCategory_HABILITATION_CATEGORY_PROFESSIONAL, ExperienceYears: 6,
	}}, s.as(t, registerOfficer))
	if status.Code(err) == codes.AlreadyExists {
		return number // recorded before under another name: the register keeps the first
	}
	stackMust(t, "grant a habilitation", err)
	_, err = s.cert.AcceptCharter(t.Context(), &certificationv1.AcceptCharterRequest{JurorSubject: "me"},
		s.as(t, auth.Principal{Subject: subject, Roles: []auth.Role{auth.RoleJuror}}))
	stackMust(t, "accept the charte", err)
	return number
}

// registerCandidacy has centre register candidateID to the session, once
// the assessment service knows the candidate, and returns the candidacy's
// id.
func (s *stack) registerCandidacy(t testing.TB, centre auth.Principal, session, candidateID string) string {
	t.Helper()
	var id string
	eventually(t, "register the candidacy", func() error {
		resp, err := s.assess.CreateCandidacy(t.Context(), &assessmentv1.CreateCandidacyRequest{SessionId: session, RequestId: uuid.NewString(),
			Candidacy: &assessmentv1.Candidacy{CandidateId: candidateID}}, s.as(t, centre))
		id = resp.GetCandidacy().GetId()
		return err
	})
	s.recordECF(t, session, id)
	return id
}

// recordECF has the session's centre record an ECF result obtained for
// every CCP of a training-route candidacy without them (R30), which its
// deliberation needs (R49).
func (s *stack) recordECF(t testing.TB, session, candidacy string) {
	t.Helper()
	reader := auth.Principal{Subject: "stack-officer", Roles: []auth.Role{auth.RoleMinistry}}
	sess, err := s.assess.GetSession(t.Context(), &assessmentv1.GetSessionRequest{SessionId: session}, s.as(t, reader))
	stackMust(t, "read the session", err)
	c, err := s.assess.GetCandidacy(t.Context(), &assessmentv1.GetCandidacyRequest{SessionId: session, CandidacyId: candidacy}, s.as(t, reader))
	stackMust(t, "read the candidacy", err)
	if c.GetCandidacy().GetAccessRoute() == commonv1.AccessRoute_ACCESS_ROUTE_VAE || len(c.GetCandidacy().GetEcfResults()) > 0 {
		return
	}
	req := &assessmentv1.RecordEcfResultsRequest{SessionId: session, CandidacyId: candidacy}
	for _, code := range c.GetCandidacy().GetCcpCodes() {
		req.Results = append(req.Results, &assessmentv1.EcfResult{CcpCode: code, Obtained: true,
			AssessmentDate: time.Now().UTC().AddDate(0, 0, -14).Format(time.DateOnly)})
	}
	centre := auth.Principal{Subject: "stack-centre", Roles: []auth.Role{auth.RoleCentre}, Centre: sess.GetSession().GetCentreId()}
	_, err = s.assess.RecordEcfResults(t.Context(), req, s.as(t, centre))
	stackMust(t, "record the ECF results", err)
}

// writeDossier has who create a Dossier Professionnel for title, once the
// portfolio service knows the candidate, and write it complete: an
// example for each CCP, a prior qualification and the sworn statement.
func (s *stack) writeDossier(t testing.TB, who auth.Principal, candidateID string, title *certificationv1.Title) *portfoliov1.Dossier {
	t.Helper()
	var d *portfoliov1.Dossier
	eventually(t, "create the dossier", func() error {
		resp, err := s.port.CreateDossier(t.Context(), &portfoliov1.CreateDossierRequest{RequestId: uuid.NewString(), Dossier: &portfoliov1.Dossier{
			CandidateId: candidateID, TitleId: title.GetId(), TitleVersion: title.GetVersion(),
		}}, s.as(t, who))
		d = resp.GetDossier()
		return err
	})
	update := &portfoliov1.Dossier{Id: d.GetId(), Etag: d.GetEtag(),
		SwornStatement:      &portfoliov1.SwornStatement{SignerName: "Camille Durand", Place: "Lyon", Date: time.Now().UTC().Format(time.DateOnly)},
		PriorQualifications: []*portfoliov1.PriorQualification{{Title: "BTS Services informatiques aux organisations", Authority: "Ministère de l’Éducation nationale", Date: "2016-07-01"}},
	}
	for _, c := range title.GetCcps() {
		ccp := c.GetCode()
		update.Examples = append(update.Examples, &portfoliov1.PracticeExample{
			CcpCode: ccp, Title: "Migration du serveur de fichiers (" + ccp + ")",
			Tasks: "Migration du serveur de fichiers et supervision des sauvegardes.", Means: "Windows Server, Veeam, Zabbix.",
			Collaborators: "Responsable informatique, prestataire réseau.",
			Context:       &portfoliov1.PracticeContext{Organisation: "Transports Rhône SA", Unit: "Service informatique", PeriodFrom: "2025-01-06", PeriodTo: "2025-06-27"},
		})
	}
	resp, err := s.port.UpdateDossier(t.Context(), &portfoliov1.UpdateDossierRequest{Dossier: update,
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"examples", "prior_qualifications", "sworn_statement"}}}, s.as(t, who))
	stackMust(t, "write the dossier", err)
	return resp.GetDossier()
}

// submitDossier has who submit the dossier onto the candidacy, once the
// portfolio service knows it, and waits until the candidacy holds the
// snapshot (R34), which it returns.
func (s *stack) submitDossier(t testing.TB, who, centre auth.Principal, dossierID, session, candidacy string) *portfoliov1.Snapshot {
	t.Helper()
	var snap *portfoliov1.Snapshot
	eventually(t, "submit the dossier", func() error {
		resp, err := s.port.SubmitDossier(t.Context(), &portfoliov1.SubmitDossierRequest{DossierId: dossierID, SessionId: session,
			CandidacyId: candidacy, RequestId: uuid.NewString()}, s.as(t, who))
		snap = resp.GetSnapshot()
		return err
	})
	svctest.Eventually(t, "the snapshot reaches the candidacy (R34)", func() error {
		resp, err := s.assess.GetCandidacy(t.Context(), &assessmentv1.GetCandidacyRequest{SessionId: session, CandidacyId: candidacy}, s.as(t, centre))
		if err != nil {
			return err
		}
		if got := resp.GetCandidacy(); got.GetDossierSnapshotId() != snap.GetId() || got.GetDossierManifestHash() != snap.GetManifestHash() {
			return fmt.Errorf("the candidacy has dossier %q", got.GetDossierManifestHash())
		}
		return nil
	})
	return snap
}

// score records juror's evaluation of every competence of the CCPs of
// title in scope (every CCP when scope is nil), at the mise en situation
// professionnelle, with the verdict verdictOf gives for its CCP; in a
// session titre, the first one at the entretien final too (R43).
func (s *stack) score(t testing.TB, juror auth.Principal, session, candidacy string, title *certificationv1.Title, scope []string,
	verdictOf func(ccp string) assessmentv1.Verdict) {
	t.Helper()
	cur, err := s.assess.GetEvaluation(t.Context(), &assessmentv1.GetEvaluationRequest{SessionId: session, CandidacyId: candidacy, JurorSubject: "me"}, s.as(t, juror))
	stackMust(t, "read the evaluation of "+juror.Subject, err)
	sess, err := s.assess.GetSession(t.Context(), &assessmentv1.GetSessionRequest{SessionId: session}, s.as(t, juror))
	stackMust(t, "read the session", err)
	ev := &assessmentv1.Evaluation{Etag: cur.GetEvaluation().GetEtag()}
	for _, ccp := range title.GetCcps() {
		if scope != nil && !slices.Contains(scope, ccp.GetCode()) {
			continue
		}
		for _, c := range ccp.GetCompetences() {
			ev.Items = append(ev.Items, &assessmentv1.EvaluationItem{CompetenceCode: c.GetCode(), Verdict: verdictOf(ccp.GetCode()),
				Epreuve:     certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE,
				Observation: "Observé pendant la mise en situation."})
		}
	}
	// A session titre ends with the entretien final (R43).
	if sess.GetSession().GetType() == assessmentv1.SessionType_SESSION_TYPE_TITRE && len(ev.Items) > 0 {
		first := ev.Items[0]
		ev.Items = append(ev.Items, &assessmentv1.EvaluationItem{CompetenceCode: first.GetCompetenceCode(), Verdict: first.GetVerdict(),
			Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_ENTRETIEN_FINAL, Observation: "Entretien final avec le jury."})
	}
	_, err = s.assess.UpdateEvaluation(t.Context(), &assessmentv1.UpdateEvaluationRequest{SessionId: session, CandidacyId: candidacy,
		JurorSubject: "me", Evaluation: ev}, s.as(t, juror))
	stackMust(t, "score as "+juror.Subject, err)
}

// mastered is the verdict for every CCP.
func mastered(string) assessmentv1.Verdict { return assessmentv1.Verdict_VERDICT_MASTERED }

// notMasteredIn is MASTERED but for the CCPs in codes.
func notMasteredIn(codes []string) func(string) assessmentv1.Verdict {
	return func(ccp string) assessmentv1.Verdict {
		if slices.Contains(codes, ccp) {
			return assessmentv1.Verdict_VERDICT_NOT_MASTERED
		}
		return assessmentv1.Verdict_VERDICT_MASTERED
	}
}

// deliberate has juror record the jury's decision on the candidacy: each
// CCP of codes obtained, but those in failed, not obtained with their
// motivation.
func (s *stack) deliberate(t testing.TB, juror auth.Principal, session, candidacy string, codes []string, failed map[string]string) {
	t.Helper()
	s.recordECF(t, session, candidacy) // registered through a form, the candidacy may have none yet
	req := &assessmentv1.DeliberateCandidacyRequest{SessionId: session, CandidacyId: candidacy}
	for _, code := range codes {
		d := &assessmentv1.CcpDecision{CcpCode: code, Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED}
		if why, ko := failed[code]; ko {
			d.Outcome, d.Motivation = assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED, why
		}
		req.CcpDecisions = append(req.CcpDecisions, d)
	}
	_, err := s.assess.DeliberateCandidacy(t.Context(), req, s.as(t, juror))
	stackMust(t, "deliberate", err)
}

// ccpCodes are the codes of title's CCPs.
func ccpCodes(title *certificationv1.Title) []string {
	var codes []string
	for _, ccp := range title.GetCcps() {
		codes = append(codes, ccp.GetCode())
	}
	return codes
}

// sign has each juror sign the session's minutes as they read them.
func (s *stack) sign(t testing.TB, session string, jurors ...auth.Principal) {
	t.Helper()
	for _, j := range jurors {
		m, err := s.assess.GetMinutes(t.Context(), &assessmentv1.GetMinutesRequest{SessionId: session}, s.as(t, j))
		stackMust(t, "read the minutes", err)
		_, err = s.assess.SignMinutes(t.Context(), &assessmentv1.SignMinutesRequest{SessionId: session, ContentHash: m.GetMinutes().GetContentHash()}, s.as(t, j))
		stackMust(t, "sign the minutes as "+j.Subject, err)
	}
}

// validate has the ministry validate the session's result, once the
// certification service has the signed minutes.
func (s *stack) validate(t testing.TB, ministry auth.Principal, session string) {
	t.Helper()
	eventually(t, "validate the result", func() error {
		_, err := s.cert.ValidateResult(t.Context(), &certificationv1.ValidateResultRequest{SessionId: session}, s.as(t, ministry))
		return err
	})
}

// Sample documents.

// samplePDF is a minimal well-formed PDF.
var samplePDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// samplePNG is a small blue square.
func samplePNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := range 16 {
		for y := range 16 {
			img.Set(x, y, color.RGBA{B: 200, A: 255})
		}
	}
	var buf bytes.Buffer
	stackMust(t, "encode the PNG", png.Encode(&buf, img))
	return buf.Bytes()
}

// sampleODT is an OpenDocument text: its first entry, stored, names the type.
func sampleODT(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, err := z.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	stackMust(t, "ODT", err)
	_, _ = w.Write([]byte("application/vnd.oasis.opendocument.text"))
	w, err = z.Create("content.xml")
	stackMust(t, "ODT", err)
	_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`))
	stackMust(t, "ODT", z.Close())
	return buf.Bytes()
}

// fileDossier is writeDossier then submitDossier.
func (s *stack) fileDossier(t testing.TB, who, centre auth.Principal, candidateID string, title *certificationv1.Title, session, candidacy string) *portfoliov1.Snapshot {
	t.Helper()
	d := s.writeDossier(t, who, candidateID, title)
	return s.submitDossier(t, who, centre, d.GetId(), session, candidacy)
}
