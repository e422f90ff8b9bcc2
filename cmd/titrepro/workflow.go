package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/civildate"
)

// workflow drives the jury workflow through the REST API, as the people
// involved would: a centre, a candidate, two jurors and a ministry officer.
// `titrepro demo` and the end-to-end tests share it.
type workflow struct {
	c        *restClient
	out      io.Writer
	title    *certificationv1.Title
	centreID string
	tokens   map[string]string // who → bearer token
	subjects map[string]string // who → subject

	run           string            // suffix of this run's names
	issuer        *auth.LocalIssuer // mints the tokens of jurors enrolled later (enrolJuror)
	habilitations map[string]string // who → habilitation number in the juror register
	habilitated   int               // habilitations recorded so far
}

// Who takes part. The keys of workflow.tokens.
const (
	asCentre    = "centre"
	asCandidate = "candidate"
	asJuror1    = "juror-1"
	asJuror2    = "juror-2"
	asMinistry  = "ministry"
)

// newWorkflow mints the actors' tokens with the local issuer; run is a
// short random suffix that keeps two runs on the same data apart.
func newWorkflow(ctx context.Context, c *restClient, issuer *auth.LocalIssuer, out io.Writer) (*workflow, error) {
	run := randomSuffix()
	w := &workflow{c: c, out: out, centreID: "CENTRE-DEMO-" + run, tokens: map[string]string{}, subjects: map[string]string{},
		run: run, issuer: issuer, habilitations: map[string]string{}}
	actors := []struct {
		who    string
		role   auth.Role
		centre string
	}{
		{asCentre, auth.RoleCentre, w.centreID},
		{asCandidate, auth.RoleCandidate, ""},
		{asJuror1, auth.RoleJuror, ""},
		{asJuror2, auth.RoleJuror, ""},
		{asMinistry, auth.RoleMinistry, ""},
	}
	for _, a := range actors {
		subject := "demo-" + a.who + "-" + run
		tok, err := issuer.Issue(auth.Principal{Subject: subject, Roles: []auth.Role{a.role}, Centre: a.centre}, time.Hour)
		if err != nil {
			return nil, err
		}
		w.tokens[a.who], w.subjects[a.who] = tok, subject
	}
	resp := &certificationv1.GetTitleResponse{}
	if err := c.call(ctx, "anyone", "", "GET", "/v1/titles/TP-00495", nil, resp); err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	w.title = resp.GetTitle()
	if err := w.setUpRegisters(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (w *workflow) step(format string, args ...any) {
	if w.out != nil {
		fmt.Fprintf(w.out, "\n▶ "+format+"\n", args...)
	}
}

func (w *workflow) call(ctx context.Context, who, method, path string, body, out protoMessage) error {
	return w.c.call(ctx, who, w.tokens[who], method, path, body, out)
}

// ccpCodes returns every CCP code of the title.
func (w *workflow) ccpCodes() []string {
	var codes []string
	for _, c := range w.title.GetCcps() {
		codes = append(codes, c.GetCode())
	}
	return codes
}

func (w *workflow) registerCandidate(ctx context.Context) (string, error) {
	w.step("The candidate registers (candidate service)")
	resp := &candidatev1.CreateCandidateResponse{}
	err := w.call(ctx, asCandidate, "POST", "/v1/candidates?request_id="+newUUID(), &candidatev1.Candidate{
		BirthName: "Durand", GivenNames: []string{"Camille"}, BirthDate: "1994-03-12",
		// Sex and the birth commune's INSEE code: what the CPF deposit of
		// the titre needs besides (R56).
		BirthPlace: &candidatev1.BirthPlace{Commune: "Lyon", CountryCode: "FR", InseeCode: "69123"}, Sex: "F",
		Email: "camille.durand@example.org", Phone: "+33612345678",
		PostalAddress: &commonv1.PostalAddress{
			Lines: []string{"12 rue des Lilas"}, PostalCode: "69003", Locality: "Lyon", CountryCode: "FR",
		},
		AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_TRAINING,
		// The training prepares the title (R24), started before the sessions.
		Training: &candidatev1.TrainingEnrolment{Organisation: "AFPA Lyon", TitleId: w.title.GetId(),
			StartDate: time.Now().UTC().AddDate(0, -6, 0).Format(time.DateOnly)},
	}, resp)
	return resp.GetCandidate().GetId(), err
}

func (w *workflow) planSession(ctx context.Context, typ assessmentv1.SessionType, ccps []string) (string, error) {
	w.step("The centre plans a %s session and composes the jury (assessment service)", strings.TrimPrefix(typ.String(), "SESSION_TYPE_"))
	// Today in France: the dossier deadline (R40) is a day in Paris.
	today, _ := time.Parse(time.DateOnly, civildate.Of(time.Now()).String())
	resp := &assessmentv1.CreateSessionResponse{}
	request := newUUID()
	err := retryWhile(ctx, registerReasons, func() error {
		return w.call(ctx, asCentre, "POST", "/v1/sessions?request_id="+request, &assessmentv1.Session{
			Type: typ, TitleId: w.title.GetId(), TitleVersion: w.title.GetVersion(), CcpCodes: ccps,
			Site: workflowSite, StartDate: today.Format(time.DateOnly), EndDate: today.AddDate(0, 0, 1).Format(time.DateOnly),
			DossierDeadline: today.Format(time.DateOnly),
		}, resp)
	})
	if err != nil {
		return "", err
	}
	id := resp.GetSession().GetId()
	for _, who := range []string{asJuror1, asJuror2} {
		if err := w.addJuror(ctx, id, w.subjects[who], w.habilitations[who], nil); err != nil {
			return "", err
		}
	}
	return id, nil
}

// addJuror has the centre name a juror of the register for the session:
// their subject and habilitation number (R16), and the links they declare
// (R21).
func (w *workflow) addJuror(ctx context.Context, sessionID, subject, number string, links []*assessmentv1.DeclaredLink) error {
	return retryWhile(ctx, registerReasons, func() error {
		return w.call(ctx, asCentre, "POST", "/v1/sessions/"+sessionID+"/jurors", &assessmentv1.Juror{
			Subject: subject, Habilitation: &assessmentv1.Habilitation{Number: number}, DeclaredLinks: links,
		}, nil)
	})
}

// eventualReasons are the refusals that only mean "the event has not reached
// this service yet": retried for a few seconds.
var eventualReasons = []string{"CANDIDATE_UNKNOWN", "SESSION_UNKNOWN", "TITLE_UNKNOWN", "CANDIDATE_NOT_KNOWN", "SESSION_NOT_KNOWN", "CANDIDACY_UNKNOWN"}

// registerCandidacy registers the candidate (R24, R28, R31–R33 checked)
// and, for a training-route candidate, records the ECF results of the
// training (R30), which the deliberation needs (R49).
func (w *workflow) registerCandidacy(ctx context.Context, sessionID, candidateID string, ccps []string) (string, error) {
	w.step("The centre registers the candidate to the session")
	resp := &assessmentv1.CreateCandidacyResponse{}
	err := retryWhile(ctx, eventualReasons, func() error {
		return w.call(ctx, asCentre, "POST", "/v1/sessions/"+sessionID+"/candidacies", &assessmentv1.Candidacy{
			CandidateId: candidateID, CcpCodes: ccps,
		}, resp)
	})
	if err != nil || resp.GetCandidacy().GetAccessRoute() == commonv1.AccessRoute_ACCESS_ROUTE_VAE {
		return resp.GetCandidacy().GetId(), err
	}
	return resp.GetCandidacy().GetId(), w.recordECF(ctx, sessionID, resp.GetCandidacy().GetId(), resp.GetCandidacy().GetCcpCodes())
}

// recordECF records, as the centre, an ECF result obtained for every CCP
// of the scope (R30).
func (w *workflow) recordECF(ctx context.Context, sessionID, candidacyID string, scope []string) error {
	w.step("The centre records the results of the in-training assessments (ECF, R30)")
	req := &assessmentv1.RecordEcfResultsRequest{}
	for _, code := range scope {
		req.Results = append(req.Results, &assessmentv1.EcfResult{CcpCode: code, Obtained: true,
			AssessmentDate: time.Now().UTC().AddDate(0, 0, -14).Format(time.DateOnly), Comment: "Livret ECF validé par l’organisme de formation."})
	}
	return w.call(ctx, asCentre, "POST", "/v1/sessions/"+sessionID+"/candidacies/"+candidacyID+":recordEcfResults", req, nil)
}

func (w *workflow) prepareDossier(ctx context.Context, candidateID string) (string, error) {
	w.step("The candidate writes the Dossier Professionnel and uploads evidence (portfolio service)")
	created := &portfoliov1.CreateDossierResponse{}
	err := retryWhile(ctx, eventualReasons, func() error {
		return w.call(ctx, asCandidate, "POST", "/v1/dossiers?request_id="+newUUID(), &portfoliov1.Dossier{
			CandidateId: candidateID, TitleId: w.title.GetId(), TitleVersion: w.title.GetVersion(),
		}, created)
	})
	if err != nil {
		return "", err
	}
	d := created.GetDossier()
	update := &portfoliov1.Dossier{
		Etag: d.GetEtag(),
		SwornStatement: &portfoliov1.SwornStatement{
			SignerName: "Camille Durand", Place: "Lyon", Date: time.Now().UTC().Format(time.DateOnly),
		},
	}
	for _, ccp := range w.title.GetCcps() {
		update.Examples = append(update.Examples, &portfoliov1.PracticeExample{
			CcpCode: ccp.GetCode(), Title: "Exemple pour " + ccp.GetCode(),
			Tasks: "Migration du serveur de fichiers et supervision des sauvegardes.", Means: "Windows Server, Veeam, Zabbix.",
			Collaborators: "Responsable informatique, prestataire réseau.",
			Context: &portfoliov1.PracticeContext{
				Organisation: "Transports Rhône SA", Unit: "Service informatique", PeriodFrom: "2025-01-06", PeriodTo: "2025-06-27",
			},
		})
	}
	updated := &portfoliov1.UpdateDossierResponse{}
	if err := w.call(ctx, asCandidate, "PATCH", "/v1/dossiers/"+d.GetId()+"?update_mask=examples,sworn_statement", update, updated); err != nil {
		return "", err
	}
	pdf := "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
	path := "/v1/dossiers/" + d.GetId() + "/documents?kind=DOCUMENT_KIND_ILLUSTRATIVE&file_name=" + url.QueryEscape("procédure sauvegarde.pdf")
	if err := w.c.send(ctx, asCandidate, w.tokens[asCandidate], "POST", path, "application/pdf", strings.NewReader(pdf), nil); err != nil {
		return "", err
	}
	return d.GetId(), nil
}

func (w *workflow) submitDossier(ctx context.Context, dossierID, sessionID, candidacyID string) (*portfoliov1.Snapshot, error) {
	w.step("The candidate submits the dossier for the session: an immutable snapshot (R41)")
	resp := &portfoliov1.SubmitDossierResponse{}
	err := retryWhile(ctx, eventualReasons, func() error {
		return w.call(ctx, asCandidate, "POST", "/v1/dossiers/"+dossierID+":submit", &portfoliov1.SubmitDossierRequest{
			SessionId: sessionID, CandidacyId: candidacyID,
		}, resp)
	})
	if err != nil {
		return nil, err
	}
	err = waitFor(ctx, "the snapshot to reach the candidacy (R34)", func() (bool, error) {
		got := &assessmentv1.GetCandidacyResponse{}
		if err := w.c.call(ctx, asCentre, w.tokens[asCentre], "GET", "/v1/sessions/"+sessionID+"/candidacies/"+candidacyID, nil, got); err != nil {
			return false, err
		}
		return got.GetCandidacy().GetDossierManifestHash() == resp.GetSnapshot().GetManifestHash(), nil
	})
	return resp.GetSnapshot(), err
}

func (w *workflow) open(ctx context.Context, sessionID string) error {
	w.step("The centre opens the session (R19: at least two jurors)")
	return w.call(ctx, asCentre, "POST", "/v1/sessions/"+sessionID+":open", &assessmentv1.OpenSessionRequest{}, nil)
}

// evaluate has both jurors record a verdict for every competence of the
// CCPs in scope; CCPs listed in notMastered get NOT_MASTERED. In a session
// titre each juror also records the first competence at the entretien
// final, which ends it (R43).
func (w *workflow) evaluate(ctx context.Context, sessionID, candidacyID string, scope []string, notMastered map[string]bool) error {
	w.step("Each juror records a verdict per competence")
	s := &assessmentv1.GetSessionResponse{}
	if err := w.call(ctx, asJuror1, "GET", "/v1/sessions/"+sessionID, nil, s); err != nil {
		return err
	}
	entretienFinal := s.GetSession().GetType() == assessmentv1.SessionType_SESSION_TYPE_TITRE && w.hasEntretienFinal()
	for _, who := range []string{asJuror1, asJuror2} {
		path := "/v1/sessions/" + sessionID + "/candidacies/" + candidacyID + "/evaluations/" + w.subjects[who]
		current := &assessmentv1.GetEvaluationResponse{}
		if err := w.call(ctx, who, "GET", path, nil, current); err != nil {
			return err
		}
		ev := &assessmentv1.Evaluation{Etag: current.GetEvaluation().GetEtag()}
		for _, ccp := range w.title.GetCcps() {
			if !contains(scope, ccp.GetCode()) {
				continue
			}
			verdict := assessmentv1.Verdict_VERDICT_MASTERED
			if notMastered[ccp.GetCode()] {
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
		if entretienFinal && len(ev.Items) > 0 {
			first := ev.Items[0]
			ev.Items = append(ev.Items, &assessmentv1.EvaluationItem{CompetenceCode: first.GetCompetenceCode(), Verdict: first.GetVerdict(),
				Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_ENTRETIEN_FINAL, Observation: "Échange avec le jury lors de l’entretien final."})
		}
		if err := w.call(ctx, who, "PATCH", path, ev, nil); err != nil {
			return err
		}
	}
	return nil
}

func (w *workflow) deliberate(ctx context.Context, sessionID, candidacyID string, scope []string, notObtained map[string]bool) (*assessmentv1.Candidacy, error) {
	w.step("The jury deliberates: one collegial decision per CCP (R48)")
	req := &assessmentv1.DeliberateCandidacyRequest{}
	for _, code := range scope {
		d := &assessmentv1.CcpDecision{CcpCode: code, Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED}
		if notObtained[code] {
			d.Outcome, d.Motivation = assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED, "Compétences non démontrées lors de la mise en situation."
		}
		req.CcpDecisions = append(req.CcpDecisions, d)
	}
	resp := &assessmentv1.DeliberateCandidacyResponse{}
	err := w.call(ctx, asJuror1, "POST", "/v1/sessions/"+sessionID+"/candidacies/"+candidacyID+":deliberate", req, resp)
	return resp.GetCandidacy(), err
}

func (w *workflow) signMinutes(ctx context.Context, sessionID string) (*assessmentv1.Minutes, error) {
	w.step("Every juror signs the minutes, bound to their content hash (R50)")
	minutes := &assessmentv1.GetMinutesResponse{}
	if err := w.call(ctx, asJuror1, "GET", "/v1/sessions/"+sessionID+"/minutes", nil, minutes); err != nil {
		return nil, err
	}
	signed := &assessmentv1.SignMinutesResponse{}
	for _, who := range []string{asJuror1, asJuror2} {
		if err := w.call(ctx, who, "POST", "/v1/sessions/"+sessionID+"/minutes:sign", &assessmentv1.SignMinutesRequest{
			ContentHash: minutes.GetMinutes().GetContentHash(),
		}, signed); err != nil {
			return nil, err
		}
	}
	return signed.GetMinutes(), nil
}

func (w *workflow) validate(ctx context.Context, sessionID, minutesHash string) error {
	w.step("The ministry validates the signed minutes (R51) (certification service)")
	err := waitFor(ctx, "the signed minutes to reach the certification service", func() (bool, error) {
		err := w.call(ctx, asMinistry, "GET", "/v1/results/"+sessionID, nil, &certificationv1.GetResultResponse{})
		if reasonOf(err) == "RESULT_NOT_FOUND" {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return err
	}
	// The certification service also needs the candidate's identity
	// (CandidateRegistered) before it awards: a candidate registered while
	// the bus was away arrives a little after the minutes.
	return retryWhile(ctx, []string{"HOLDER_UNKNOWN"}, func() error {
		return w.call(ctx, asMinistry, "POST", "/v1/results/"+sessionID+":validate", &certificationv1.ValidateResultRequest{MinutesHash: minutesHash}, nil)
	})
}

// certificates waits until the candidate holds n certificates and returns them.
func (w *workflow) certificates(ctx context.Context, candidateID string, n int) ([]*certificationv1.Certificate, error) {
	var got []*certificationv1.Certificate
	err := waitFor(ctx, "the certificates", func() (bool, error) {
		resp := &certificationv1.ListCertificatesResponse{}
		if err := w.c.call(ctx, asCandidate, w.tokens[asCandidate], "GET", "/v1/certificates", nil, resp); err != nil {
			return false, err
		}
		got = resp.GetCertificates()
		return len(got) >= n, nil
	})
	return got, err
}

func (w *workflow) verify(ctx context.Context, number string) (*certificationv1.VerifyCertificateResponse, error) {
	w.step("Anyone verifies the certificate, without a token")
	resp := &certificationv1.VerifyCertificateResponse{}
	err := w.c.call(ctx, "anyone", "", "GET", "/v1/certificates/"+number+":verify", nil, resp)
	return resp, err
}

// hasEntretienFinal reports whether the title's sessions titre end with
// the entretien final.
func (w *workflow) hasEntretienFinal() bool {
	for _, e := range w.title.GetEpreuves() {
		if e.GetKind() != certificationv1.EpreuveKind_EPREUVE_KIND_ENTRETIEN_FINAL {
			continue
		}
		for _, st := range e.GetSessionTypes() {
			if st == certificationv1.SessionType_SESSION_TYPE_TITRE {
				return true
			}
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
