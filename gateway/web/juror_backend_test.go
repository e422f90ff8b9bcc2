package web

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/svctest"
)

// The juror screens are tested on the stack (stack_test.go) with a small
// test title next to TP-00495.

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

// jurorBackend is the stack (stack_test.go) on the referentials below.
type jurorBackend struct{ *stack }

func startJurorBackend(t testing.TB) *jurorBackend {
	t.Helper()
	return &jurorBackend{startStackWith(t, referentials(t))}
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
	svctest.Eventually(t, "the title is published", func() error {
		resp, err := b.cert.GetTitle(ctx, &certificationv1.GetTitleRequest{TitleId: o.title, Version: o.version})
		s.title = resp.GetTitle()
		return err
	})
	s.session = b.planSession(t, tCentre, jury{session: sessionFrom(assessmentv1.SessionType_SESSION_TYPE_TITRE, o.title, o.version, nil),
		jurors: o.jurors, links: o.links})
	record := candidateRecord("Durand", "Camille")
	record.Training.TitleId = testTitleID // the training prepares the session's title (R24)
	s.candidateID = b.registerCandidate(t, tCandidate, record)
	s.candidacy = b.registerCandidacy(t, tCentre, s.session, s.candidateID)
	if !o.noDossier {
		b.fileScenarioDossier(t, s)
	}
	if !o.planned {
		_, err := b.assess.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: s.session}, b.as(t, tCentre))
		jurorMust(t, err)
	}
	return s
}

// fileScenarioDossier has the candidate write a complete dossier, upload
// a PDF, a PNG and an OpenDocument text to it, and submit it onto the
// candidacy.
func (b *jurorBackend) fileScenarioDossier(t testing.TB, s *scenario) {
	t.Helper()
	s.dossier = b.writeDossier(t, tCandidate, s.candidateID, s.title).GetId()
	for name, content := range map[string][]byte{"procédure sauvegarde.pdf": samplePDF, "schéma réseau.png": samplePNG(t), "compte rendu.odt": sampleODT(t)} {
		s.docs[name] = b.uploadDocument(t, s.dossier, name, content)
	}
	s.snapshot = b.submitDossier(t, tCandidate, tCentre, s.dossier, s.session, s.candidacy)
}

// uploadDocument streams content as a document of the dossier and returns its id.
func (b *jurorBackend) uploadDocument(t testing.TB, dossier, name string, content []byte) string {
	t.Helper()
	stream, err := b.port.UploadDocument(t.Context(), b.as(t, tCandidate))
	jurorMust(t, err)
	jurorMust(t, stream.Send(&portfoliov1.UploadDocumentRequest{Payload: &portfoliov1.UploadDocumentRequest_Metadata{Metadata: &portfoliov1.UploadDocumentMetadata{
		DossierId: dossier, FileName: name, Kind: portfoliov1.DocumentKind_DOCUMENT_KIND_ILLUSTRATIVE}}}))
	jurorMust(t, stream.Send(&portfoliov1.UploadDocumentRequest{Payload: &portfoliov1.UploadDocumentRequest_Chunk{Chunk: content}}))
	resp, err := stream.CloseAndRecv()
	jurorMust(t, err)
	return resp.GetDocument().GetId()
}

// competences of the test title, in order, and the épreuves of a session
// titre.
var (
	testCompetences   = []string{"CCP1-C1", "CCP1-C2", "CCP2-C1", "CCP2-C2"}
	testEpreuvesTitre = []string{"MISE_EN_SITUATION_PROFESSIONNELLE", "ENTRETIEN_TECHNIQUE", "ENTRETIEN_FINAL"}
)

// scoreAll records a complete evaluation for juror (verdict v for every
// competence at the mise en situation), through the API.
func (b *jurorBackend) scoreAll(t testing.TB, s *scenario, juror auth.Principal, v assessmentv1.Verdict) {
	t.Helper()
	b.score(t, juror, s.session, s.candidacy, s.title, nil, func(string) assessmentv1.Verdict { return v })
}
