package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/svctest"
	"github.com/titrepro/titrepro/services/assessment"
	"github.com/titrepro/titrepro/services/candidate"
	"github.com/titrepro/titrepro/services/certification"
	"github.com/titrepro/titrepro/services/portfolio"
)

// liveBackend is the four real services (SQLite files, an embedded
// JetStream with the production bus identities, a local token issuer)
// behind the web application, for the handler tests of the screens: what a
// page shows and refuses is what the services answer, rules included.
// The catalogue holds the repository's referentials (TP-00495).
//
// Any role's tests may use it; it lives in the centre's file because the
// centre's screens were the first to need it.
type liveBackend struct {
	env           *svctest.Env
	app           *App
	srv           *httptest.Server
	candidate     candidatev1.CandidateServiceClient
	certification certificationv1.CertificationServiceClient
	assessment    assessmentv1.AssessmentServiceClient
	portfolio     portfoliov1.PortfolioServiceClient
}

// startLiveBackend starts the services and the web application on a test
// server; everything stops at cleanup.
func startLiveBackend(t testing.TB) *liveBackend {
	t.Helper()
	e := svctest.NewEnv(t)
	dir := t.TempDir()
	sqlite := func(name string) string { return "sqlite://" + filepath.Join(dir, name+".db") }
	const stop = 5 * time.Second

	candCfg, err := candidate.LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	candCfg.DatabaseURL, candCfg.ShutdownTimeout = sqlite("candidate"), stop
	cand, err := candidate.New(t.Context(), candCfg, candidate.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "candidate"), Listener: svctest.Listen(t),
	})
	if err != nil {
		t.Fatalf("candidate service: %v", err)
	}

	cert, err := certification.New(t.Context(), certification.Config{
		DatabaseURL: sqlite("certification"), ShutdownTimeout: stop,
		ReferentielsDir: filepath.Join("..", "..", "referentiels"),
		SigningKeyFile:  filepath.Join(dir, "certificate-ed25519.pem"),
		RetiredKeysFile: filepath.Join(dir, "certificate-keys-retired.json"),
	}, certification.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "certification"), Listener: svctest.Listen(t),
	})
	if err != nil {
		t.Fatalf("certification service: %v", err)
	}

	assessCfg, err := assessment.LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	assessCfg.DatabaseURL, assessCfg.ShutdownTimeout = sqlite("assessment"), stop
	assess, err := assessment.New(t.Context(), assessCfg, assessment.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "assessment"), Listener: svctest.Listen(t),
	})
	if err != nil {
		t.Fatalf("assessment service: %v", err)
	}

	portCfg, err := portfolio.LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	portCfg.DatabaseURL, portCfg.BlobURL, portCfg.ShutdownTimeout = sqlite("portfolio"), "file://"+filepath.Join(dir, "blobs"), stop
	port, err := portfolio.New(t.Context(), portCfg, portfolio.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "portfolio"), Listener: svctest.Listen(t),
	})
	if err != nil {
		t.Fatalf("portfolio service: %v", err)
	}

	conns := Conns{
		Candidate:     svctest.Start(t, cand).Conn,
		Certification: svctest.Start(t, cert).Conn,
		Assessment:    svctest.Start(t, assess).Conn,
		Portfolio:     svctest.Start(t, port).Conn,
	}
	srv := httptest.NewUnstartedServer(nil)
	app, err := New(Config{PublicURL: "http://" + srv.Listener.Addr().String(), Logger: e.Logger}, conns)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = app
	srv.Start()
	t.Cleanup(srv.Close)
	b := &liveBackend{
		env: e, app: app, srv: srv,
		candidate:     candidatev1.NewCandidateServiceClient(conns.Candidate),
		certification: certificationv1.NewCertificationServiceClient(conns.Certification),
		assessment:    assessmentv1.NewAssessmentServiceClient(conns.Assessment),
		portfolio:     portfoliov1.NewPortfolioServiceClient(conns.Portfolio),
	}
	// The assessment service plans sessions only for titles it has
	// learnt from the catalogue's events.
	b.waitForTitle(t, "TP-00495")
	return b
}

// waitForTitle waits until the assessment service knows the latest version
// of title id: a session planned for it is then not refused with
// TITLE_UNKNOWN. It asks with a session that plans nothing: a CCP the
// title does not have is refused with INVALID_ARGUMENT once the title is
// known, TITLE_UNKNOWN before.
func (b *liveBackend) waitForTitle(t testing.TB, id string) {
	t.Helper()
	title, err := b.certification.GetTitle(t.Context(), &certificationv1.GetTitleRequest{TitleId: id})
	if err != nil {
		t.Fatal(err)
	}
	probe := auth.Principal{Subject: "probe", Roles: []auth.Role{auth.RoleCentre}, Centre: "CENTRE-PROBE"}
	svctest.Eventually(t, "the assessment service knows "+id, func() error {
		_, err := b.assessment.CreateSession(t.Context(), &assessmentv1.CreateSessionRequest{Session: &assessmentv1.Session{
			Type: assessmentv1.SessionType_SESSION_TYPE_CCP, TitleId: id, TitleVersion: title.GetTitle().GetVersion(),
			CcpCodes: []string{"NO-SUCH-CCP"}, Site: "probe", StartDate: "2030-01-01", EndDate: "2030-01-01",
		}}, b.env.As(t, probe))
		if centreReason(err) == "TITLE_UNKNOWN" {
			return err
		}
		return nil
	})
}

// signIn opens a web session for p in c's cookie jar, with an access token
// of the backend's issuer: the login round trip itself is tested in
// login_test.go.
func (b *liveBackend) signIn(t testing.TB, c *http.Client, p auth.Principal) {
	t.Helper()
	token, err := b.env.Issuer.Issue(p, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s := &Session{Subject: p.Subject, Roles: p.Roles, Centre: p.Centre, AccessToken: token,
		Expiry: time.Now().Add(time.Hour), CSRFSecret: newCSRFSecret()}
	if err := b.app.writeSession(rec, s); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(b.srv.URL)
	c.Jar.SetCookies(u, rec.Result().Cookies())
}
