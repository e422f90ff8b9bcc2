package web

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
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

// The juror screens are tested against the four real services, in process,
// on SQLite and an embedded JetStream (svctest), as the all-in-one runs
// them: the pages see exactly the answers and refusals a browser would.
// Only the login is skipped: a test user's session cookie is sealed
// directly, with an access token of the services' issuer (the login round
// trip has its own tests).

// testTitleID is the title of testReferential.
const testTitleID = "TP-90001"

// testReferential is a small title version: two CCPs of two competences,
// three épreuves, the entretien final for sessions titre only (R43).
const testReferential = `code: TP-90001
version: "2024"
label: "Technicien d’essai des grilles"
short_label: TEG
level: 5
level_old: "III"
nsf: "326u"
rome: [M1801]
valid_from: "2020-01-01"
status: ACTIVE
ccps:
  - code: CCP1
    order: 1
    label: "Exploiter les serveurs"
    competences:
      - code: CCP1-C1
        label: "Configurer les postes de travail."
      - code: CCP1-C2
        label: "Maintenir les serveurs."
  - code: CCP2
    order: 2
    label: "Conseiller les décideurs"
    competences:
      - code: CCP2-C1
        label: "Évaluer de nouvelles ressources."
      - code: CCP2-C2
        label: "Préparer les budgets."
epreuves:
  - kind: MISE_EN_SITUATION_PROFESSIONNELLE
    label: "Mise en situation professionnelle"
    session_types: [TITRE, CCP]
  - kind: ENTRETIEN_TECHNIQUE
    label: "Entretien technique"
    session_types: [TITRE, CCP]
  - kind: ENTRETIEN_FINAL
    label: "Entretien final"
    session_types: [TITRE]
`

// The people of the scenario.
var (
	tCentre    = auth.Principal{Subject: "centre-lyon", Roles: []auth.Role{auth.RoleCentre}, Centre: "CENTRE-69-001"}
	tCandidate = auth.Principal{Subject: "camille.durand", Roles: []auth.Role{auth.RoleCandidate}}
	tJuror1    = auth.Principal{Subject: "jure-1", Roles: []auth.Role{auth.RoleJuror}}
	tJuror2    = auth.Principal{Subject: "jure-2", Roles: []auth.Role{auth.RoleJuror}}
	tJuror3    = auth.Principal{Subject: "jure-3", Roles: []auth.Role{auth.RoleJuror}}
	tOutsider  = auth.Principal{Subject: "jure-ailleurs", Roles: []auth.Role{auth.RoleJuror}}
)

// jurorBackend is the four services behind a web application.
type jurorBackend struct {
	env        *svctest.Env
	srv        *httptest.Server
	app        *App
	assessment assessmentv1.AssessmentServiceClient
	candidate  candidatev1.CandidateServiceClient
	portfolio  portfoliov1.PortfolioServiceClient
	cert       certificationv1.CertificationServiceClient
}

// startJurorBackend runs the services and the web application.
func startJurorBackend(t testing.TB) *jurorBackend {
	t.Helper()
	e := svctest.NewEnv(t)
	dir := t.TempDir()
	sqlite := func(name string) string { return "sqlite://" + filepath.Join(dir, name+".db") }
	const stop = 5 * time.Second

	candCfg, err := candidate.LoadConfig(func(string) string { return "" })
	jurorMust(t, err)
	candCfg.DatabaseURL, candCfg.ShutdownTimeout = sqlite("candidate"), stop
	cand, err := candidate.New(t.Context(), candCfg, candidate.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "candidate"), Listener: svctest.Listen(t)})
	jurorMust(t, err)

	certCfg, err := certification.LoadConfig(func(string) string { return "" })
	jurorMust(t, err)
	certCfg.DatabaseURL, certCfg.ShutdownTimeout = sqlite("certification"), stop
	certCfg.SigningKeyFile, certCfg.RetiredKeysFile = filepath.Join(dir, "signing.key"), filepath.Join(dir, "retired.json")
	cert, err := certification.New(t.Context(), certCfg, certification.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "certification"), Listener: svctest.Listen(t),
		Referentiels: referentials(t)})
	jurorMust(t, err)

	assessCfg, err := assessment.LoadConfig(func(string) string { return "" })
	jurorMust(t, err)
	assessCfg.DatabaseURL, assessCfg.ShutdownTimeout = sqlite("assessment"), stop
	assess, err := assessment.New(t.Context(), assessCfg, assessment.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "assessment"), Listener: svctest.Listen(t)})
	jurorMust(t, err)

	portCfg, err := portfolio.LoadConfig(func(string) string { return "" })
	jurorMust(t, err)
	portCfg.DatabaseURL, portCfg.ShutdownTimeout = sqlite("portfolio"), stop
	portCfg.BlobURL = "file://" + filepath.Join(dir, "blobs")
	port, err := portfolio.New(t.Context(), portCfg, portfolio.Deps{
		Logger: e.Logger, Verifier: e.Verifier, JetStream: e.JetStreamAs(t, "portfolio"), Listener: svctest.Listen(t)})
	jurorMust(t, err)

	candRun, certRun := svctest.Start(t, cand), svctest.Start(t, cert)
	assessRun, portRun := svctest.Start(t, assess), svctest.Start(t, port)

	srv := httptest.NewUnstartedServer(nil)
	app, err := New(Config{
		PublicURL: "http://" + srv.Listener.Addr().String(),
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, Conns{Candidate: candRun.Conn, Certification: certRun.Conn, Assessment: assessRun.Conn, Portfolio: portRun.Conn})
	jurorMust(t, err)
	srv.Config.Handler = app
	srv.Start()
	t.Cleanup(srv.Close)
	return &jurorBackend{
		env: e, srv: srv, app: app,
		assessment: assessmentv1.NewAssessmentServiceClient(assessRun.Conn),
		candidate:  candidatev1.NewCandidateServiceClient(candRun.Conn),
		portfolio:  portfoliov1.NewPortfolioServiceClient(portRun.Conn),
		cert:       certificationv1.NewCertificationServiceClient(certRun.Conn),
	}
}

// referentials are the title files the certification service loads: the
// small test title, and TP-00495 as the repository ships it (the benchmarks
// score its twenty competences).
func referentials(t testing.TB) fstest.MapFS {
	t.Helper()
	tsgeri, err := os.ReadFile(filepath.Join("..", "..", "referentiels", "tp-00495-tsgeri.yaml"))
	jurorMust(t, err)
	return fstest.MapFS{"tp-90001.yaml": {Data: []byte(testReferential)}, "tp-00495-tsgeri.yaml": {Data: tsgeri}}
}

func jurorMust(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// as authenticates one gRPC call as p.
func (b *jurorBackend) as(t testing.TB, p auth.Principal) grpc.CallOption { return b.env.As(t, p) }

// browserAs returns an HTTP client signed in to the web application as p:
// its session cookie sealed with the application's key, holding an access
// token of the services' issuer. Redirects are not followed.
func (b *jurorBackend) browserAs(t testing.TB, p auth.Principal) *http.Client {
	t.Helper()
	token, err := b.env.Issuer.Issue(p, time.Hour)
	jurorMust(t, err)
	value, err := b.app.cookies.seal(sessionPurpose, &Session{
		Subject: p.Subject, Roles: p.Roles, Centre: p.Centre, AccessToken: token,
		Expiry: time.Now().Add(time.Hour), CSRFSecret: newCSRFSecret(),
	})
	jurorMust(t, err)
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(b.srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: sessionCookiePlain, Value: value, Path: "/"}})
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// scenario is a session of the test title as the jurors find it.
type scenario struct {
	session     string
	candidacy   string
	candidateID string
	dossier     string
	snapshot    *portfoliov1.Snapshot
	docs        map[string]string // file name → document id
	title       *certificationv1.Title
}

// scenarioOptions shape the session.
type scenarioOptions struct {
	jurors []auth.Principal // default tJuror1, tJuror2
	// links are the links each juror declares, by subject.
	links map[string][]*assessmentv1.DeclaredLink
	// noDossier leaves the candidacy without a submitted dossier (R34).
	noDossier bool
	// planned leaves the session PLANNED.
	planned bool
	// title and version of the session; default the test title.
	title, version string
}

// jurorEventually retries call while the services catch up with each other's
// events (a candidate, title or session not known yet).
func jurorEventually(t testing.TB, what string, call func() error) {
	t.Helper()
	svctest.Eventually(t, what, call)
}

// newScenario plans a session titre of the test title with its jury,
// registers a candidate, has them write and submit a dossier with a PDF, a
// PNG and an OpenDocument text, and opens the session.
func (b *jurorBackend) newScenario(t testing.TB, o scenarioOptions) *scenario {
	t.Helper()
	ctx := t.Context()
	if o.jurors == nil {
		o.jurors = []auth.Principal{tJuror1, tJuror2}
	}
	if o.title == "" {
		o.title, o.version = testTitleID, "2024"
	}
	s := &scenario{docs: map[string]string{}}
	jurorEventually(t, "the title is published", func() error {
		resp, err := b.cert.GetTitle(ctx, &certificationv1.GetTitleRequest{TitleId: o.title, Version: o.version})
		s.title = resp.GetTitle()
		return err
	})
	today := time.Now().UTC()
	day := func(d int) string { return today.AddDate(0, 0, d).Format(time.DateOnly) }

	jurorEventually(t, "the session is planned", func() error {
		resp, err := b.assessment.CreateSession(ctx, &assessmentv1.CreateSessionRequest{RequestId: uuid.NewString(), Session: &assessmentv1.Session{
			Type: assessmentv1.SessionType_SESSION_TYPE_TITRE, TitleId: o.title, TitleVersion: o.version,
			Site: "AFPA Lyon Vénissieux", StartDate: day(0), EndDate: day(1), DossierDeadline: day(0),
		}}, b.as(t, tCentre))
		s.session = resp.GetSession().GetId()
		return err
	})
	for i, j := range o.jurors {
		_, err := b.assessment.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: s.session, Juror: &assessmentv1.Juror{
			Subject: j.Subject, DisplayName: fmt.Sprintf("Juré %d", i+1), DeclaredLinks: o.links[j.Subject],
			Habilitation: &assessmentv1.Habilitation{Number: fmt.Sprintf("HAB-69-%04d", i+1), TitleId: o.title, ValidFrom: day(-365), ValidTo: day(700)},
		}}, b.as(t, tCentre))
		jurorMust(t, err)
	}

	cand, err := b.candidate.CreateCandidate(ctx, &candidatev1.CreateCandidateRequest{RequestId: uuid.NewString(), Candidate: &candidatev1.Candidate{
		BirthName: "Durand", GivenNames: []string{"Camille"}, BirthDate: "1994-03-12",
		BirthPlace: &candidatev1.BirthPlace{Commune: "Lyon", CountryCode: "FR"},
		Email:      "camille.durand@example.org", Phone: "+33612345678",
		PostalAddress: &commonv1.PostalAddress{Lines: []string{"12 rue des Lilas"}, PostalCode: "69003", Locality: "Lyon", CountryCode: "FR"},
		AccessRoute:   commonv1.AccessRoute_ACCESS_ROUTE_TRAINING,
		Training:      &candidatev1.TrainingEnrolment{Organisation: "AFPA Lyon"},
	}}, b.as(t, tCandidate))
	jurorMust(t, err)
	s.candidateID = cand.GetCandidate().GetId()

	jurorEventually(t, "the candidacy is registered", func() error {
		resp, err := b.assessment.CreateCandidacy(ctx, &assessmentv1.CreateCandidacyRequest{RequestId: uuid.NewString(), SessionId: s.session,
			Candidacy: &assessmentv1.Candidacy{CandidateId: s.candidateID}}, b.as(t, tCentre))
		s.candidacy = resp.GetCandidacy().GetId()
		return err
	})

	if !o.noDossier {
		b.submitDossier(t, s)
	}
	if !o.planned {
		_, err := b.assessment.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: s.session}, b.as(t, tCentre))
		jurorMust(t, err)
	}
	return s
}

// submitDossier has the candidate write, fill and submit a dossier onto
// the candidacy, and waits until the candidacy holds its snapshot.
func (b *jurorBackend) submitDossier(t testing.TB, s *scenario) {
	t.Helper()
	ctx := t.Context()
	var d *portfoliov1.Dossier
	jurorEventually(t, "the dossier is created", func() error {
		resp, err := b.portfolio.CreateDossier(ctx, &portfoliov1.CreateDossierRequest{RequestId: uuid.NewString(),
			Dossier: &portfoliov1.Dossier{CandidateId: s.candidateID, TitleId: s.title.GetId(), TitleVersion: s.title.GetVersion()}}, b.as(t, tCandidate))
		d = resp.GetDossier()
		return err
	})
	s.dossier = d.GetId()
	update := &portfoliov1.Dossier{Id: d.GetId(), Etag: d.GetEtag(),
		SwornStatement:      &portfoliov1.SwornStatement{SignerName: "Camille Durand", Place: "Lyon", Date: time.Now().UTC().Format(time.DateOnly)},
		PriorQualifications: []*portfoliov1.PriorQualification{{Title: "BTS Services informatiques aux organisations", Authority: "Ministère de l’Éducation nationale", Date: "2016-07-01"}},
	}
	for _, c := range s.title.GetCcps() {
		ccp := c.GetCode()
		update.Examples = append(update.Examples, &portfoliov1.PracticeExample{
			CcpCode: ccp, Title: "Migration du serveur de fichiers (" + ccp + ")",
			Tasks: "Migration du serveur de fichiers et supervision des sauvegardes.", Means: "Windows Server, Veeam, Zabbix.",
			Collaborators: "Responsable informatique, prestataire réseau.",
			Context:       &portfoliov1.PracticeContext{Organisation: "Transports Rhône SA", Unit: "Service informatique", PeriodFrom: "2025-01-06", PeriodTo: "2025-06-27"},
		})
	}
	_, err := b.portfolio.UpdateDossier(ctx, &portfoliov1.UpdateDossierRequest{Dossier: update,
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"examples", "prior_qualifications", "sworn_statement"}}}, b.as(t, tCandidate))
	jurorMust(t, err)
	for name, content := range map[string][]byte{"procédure sauvegarde.pdf": jurorSamplePDF, "schéma réseau.png": jurorSamplePNG(), "compte rendu.odt": sampleODT(t)} {
		s.docs[name] = b.upload(t, s.dossier, name, content)
	}
	var snap *portfoliov1.Snapshot
	jurorEventually(t, "the dossier is submitted", func() error {
		resp, err := b.portfolio.SubmitDossier(ctx, &portfoliov1.SubmitDossierRequest{DossierId: s.dossier, SessionId: s.session,
			CandidacyId: s.candidacy, RequestId: uuid.NewString()}, b.as(t, tCandidate))
		snap = resp.GetSnapshot()
		return err
	})
	s.snapshot = snap
	jurorEventually(t, "the snapshot reaches the candidacy (R34)", func() error {
		resp, err := b.assessment.GetCandidacy(ctx, &assessmentv1.GetCandidacyRequest{SessionId: s.session, CandidacyId: s.candidacy}, b.as(t, tCentre))
		if err != nil {
			return err
		}
		if resp.GetCandidacy().GetDossierSnapshotId() != snap.GetId() {
			return errors.New("not yet")
		}
		return nil
	})
}

// upload streams content as a document of the dossier and returns its id.
func (b *jurorBackend) upload(t testing.TB, dossier, name string, content []byte) string {
	t.Helper()
	stream, err := b.portfolio.UploadDocument(t.Context(), b.as(t, tCandidate))
	jurorMust(t, err)
	jurorMust(t, stream.Send(&portfoliov1.UploadDocumentRequest{Payload: &portfoliov1.UploadDocumentRequest_Metadata{Metadata: &portfoliov1.UploadDocumentMetadata{
		DossierId: dossier, FileName: name, Kind: portfoliov1.DocumentKind_DOCUMENT_KIND_ILLUSTRATIVE}}}))
	jurorMust(t, stream.Send(&portfoliov1.UploadDocumentRequest{Payload: &portfoliov1.UploadDocumentRequest_Chunk{Chunk: content}}))
	resp, err := stream.CloseAndRecv()
	jurorMust(t, err)
	return resp.GetDocument().GetId()
}

// jurorSamplePDF is a minimal well-formed PDF.
var jurorSamplePDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// jurorSamplePNG is a small blue square.
func jurorSamplePNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := range 16 {
		for y := range 16 {
			img.Set(x, y, color.RGBA{B: 200, A: 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// sampleODT is an OpenDocument text: its first entry, stored, names the type.
func sampleODT(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, err := z.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	jurorMust(t, err)
	_, _ = w.Write([]byte("application/vnd.oasis.opendocument.text"))
	w, err = z.Create("content.xml")
	jurorMust(t, err)
	_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`))
	jurorMust(t, z.Close())
	return buf.Bytes()
}

// competences of the test title, in order, and the épreuves of a session
// titre.
var (
	testCompetences   = []string{"CCP1-C1", "CCP1-C2", "CCP2-C1", "CCP2-C2"}
	testEpreuvesTitre = []string{"MISE_EN_SITUATION_PROFESSIONNELLE", "ENTRETIEN_TECHNIQUE", "ENTRETIEN_FINAL"}
)

// scoreAll records a complete evaluation for juror (a verdict for every
// competence at the mise en situation), through the API.
func (b *jurorBackend) scoreAll(t testing.TB, s *scenario, juror auth.Principal, v assessmentv1.Verdict) {
	t.Helper()
	cur, err := b.assessment.GetEvaluation(t.Context(), &assessmentv1.GetEvaluationRequest{SessionId: s.session, CandidacyId: s.candidacy, JurorSubject: "me"}, b.as(t, juror))
	jurorMust(t, err)
	ev := &assessmentv1.Evaluation{Etag: cur.GetEvaluation().GetEtag()}
	for _, ccp := range s.title.GetCcps() {
		for _, c := range ccp.GetCompetences() {
			ev.Items = append(ev.Items, &assessmentv1.EvaluationItem{CompetenceCode: c.GetCode(), Verdict: v,
				Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE})
		}
	}
	_, err = b.assessment.UpdateEvaluation(t.Context(), &assessmentv1.UpdateEvaluationRequest{SessionId: s.session, CandidacyId: s.candidacy,
		JurorSubject: "me", Evaluation: ev}, b.as(t, juror))
	jurorMust(t, err)
}
