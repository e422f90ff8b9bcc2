package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/svctest"
)

// The centre's screen tests drive the pages as a browser would (GET a
// page, POST its form with the page's CSRF token) against the real
// services; what other people do in the workflow (a candidate submitting
// a dossier, jurors scoring) goes straight to the services' APIs here.

func centrePrincipal(centre string) auth.Principal {
	return auth.Principal{Subject: "agent@" + strings.ToLower(centre), Roles: []auth.Role{auth.RoleCentre}, Centre: centre}
}

// centreClient returns a browser signed in as the centre's agent.
func (b *liveBackend) centreClient(t *testing.T, centre string) *http.Client {
	t.Helper()
	c := browser(t)
	b.signIn(t, c, centrePrincipal(centre))
	return c
}

// centreSubmit GETs the page at path, then POSTs form to action with that
// page's CSRF token, as the browser sends the form the page shows.
func centreSubmit(t *testing.T, c *http.Client, base, path, action string, form url.Values) page {
	t.Helper()
	p := get(t, c, base+path)
	m := csrfInput.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("GET %s (%d): no CSRF token in the page", path, p.status)
	}
	form.Set(CSRFField, html.UnescapeString(m[1]))
	req, _ := http.NewRequest(http.MethodPost, base+action, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

// centreMust fails unless p has status and every want in its body.
func centreMust(t *testing.T, what string, p page, status int, want ...string) {
	t.Helper()
	if p.status != status {
		t.Errorf("%s: status %d, want %d\n%s", what, p.status, status, centreExcerpt(p.body))
	}
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Errorf("%s: page lacks %q\n%s", what, w, centreExcerpt(p.body))
		}
	}
}

// centreMustRefuse fails unless p has status and shows a refusal (the alert at
// the top of the page) saying every want.
func centreMustRefuse(t *testing.T, what string, p page, status int, want ...string) {
	t.Helper()
	if p.status != status {
		t.Errorf("%s: status %d, want %d\n%s", what, p.status, status, centreExcerpt(p.body))
	}
	i := strings.Index(p.body, `data-refusal>`)
	if i < 0 {
		t.Errorf("%s: no refusal shown\n%s", what, centreExcerpt(p.body))
		return
	}
	alert := p.body[i:]
	alert = alert[:strings.Index(alert, "</div>")]
	for _, w := range want {
		if !strings.Contains(alert, w) {
			t.Errorf("%s: the refusal lacks %q\n%s", what, w, alert)
		}
	}
}

// centreMustNot fails when any of unwanted is in p's body.
func centreMustNot(t *testing.T, what string, p page, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(p.body, w) {
			t.Errorf("%s: page has %q", what, w)
		}
	}
}

// centreExcerpt is the <main> of a page, for failure messages.
func centreExcerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, `</main>`); i >= 0 {
		body = body[:i]
	}
	if len(body) > 4000 {
		body = body[:4000] + "…"
	}
	return body
}

var centreSessionLocation = regexp.MustCompile(`^/centre/sessions/([0-9a-f-]{36})\?planifiee=1$`)

// planSession plans a session through the planning form and returns its
// id: TP-00495, from today for two days (CCP session when ccps are given).
func (b *liveBackend) planSession(t *testing.T, c *http.Client, ccps ...string) string {
	t.Helper()
	title := b.title(t)
	key := centreTitleKey(title.GetId(), title.GetVersion())
	today := time.Now().In(paris)
	form := url.Values{
		"titre": {key}, "type": {"titre"}, "site": {"AFPA Lyon Vénissieux"},
		"debut": {today.Format(time.DateOnly)}, "fin": {today.AddDate(0, 0, 1).Format(time.DateOnly)},
	}
	if len(ccps) > 0 {
		form.Set("type", "ccp")
		form["ccp"] = ccps
	}
	p := centreSubmit(t, c, b.srv.URL, centrePlanPath+"?titre="+url.QueryEscape(key), centrePlanPath, form)
	m := centreSessionLocation.FindStringSubmatch(p.header.Get("Location"))
	if p.status != http.StatusSeeOther || m == nil {
		t.Fatalf("plan a session: %d %q\n%s", p.status, p.header.Get("Location"), centreExcerpt(p.body))
	}
	return m[1]
}

// title returns the latest version of TP-00495.
func (b *liveBackend) title(t testing.TB) *certificationv1.Title {
	t.Helper()
	resp, err := b.certification.GetTitle(t.Context(), &certificationv1.GetTitleRequest{TitleId: "TP-00495"})
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetTitle()
}

// centreJurorValues is the jury form for a habilitated juror of TP-00495 valid a
// year either side of today.
func centreJurorValues(subject, name string) url.Values {
	today := time.Now().In(paris)
	return url.Values{
		"action": {"ajouter"}, "jure-identifiant": {subject}, "jure-nom": {name},
		"hab-numero": {"HAB-69-" + subject}, "hab-titre": {"TP-00495"},
		"hab-debut": {today.AddDate(-1, 0, 0).Format(time.DateOnly)}, "hab-fin": {today.AddDate(1, 0, 0).Format(time.DateOnly)},
		"lien-1-nature": {""}, "lien-1-valeur": {""}, "lien-2-nature": {""}, "lien-2-valeur": {""},
	}
}

// addJuror adds a juror through the jury form.
func (b *liveBackend) addJuror(t *testing.T, c *http.Client, session string, form url.Values) {
	t.Helper()
	path := "/centre/sessions/" + session + "/jury"
	p := centreSubmit(t, c, b.srv.URL, path, path, form)
	if p.status != http.StatusSeeOther {
		t.Fatalf("add juror %s: %d\n%s", form.Get("jure-identifiant"), p.status, centreExcerpt(p.body))
	}
}

// selfRegistered creates the record of a person who registers themselves
// (subject) and returns its id.
func (b *liveBackend) selfRegistered(t *testing.T, subject, birthName, organisation string) string {
	t.Helper()
	resp, err := b.candidate.CreateCandidate(t.Context(), &candidatev1.CreateCandidateRequest{Candidate: centreCandidateRecord(birthName, organisation)},
		b.env.As(t, centreCandidatePrincipal(subject)))
	if err != nil {
		t.Fatalf("self-registration: %v", err)
	}
	return resp.GetCandidate().GetId()
}

func centreCandidatePrincipal(subject string) auth.Principal {
	return auth.Principal{Subject: subject, Roles: []auth.Role{auth.RoleCandidate}}
}

func centreCandidateRecord(birthName, organisation string) *candidatev1.Candidate {
	return &candidatev1.Candidate{
		BirthName: birthName, GivenNames: []string{"Camille"}, BirthDate: "1994-03-12",
		BirthPlace: &candidatev1.BirthPlace{Commune: "Lyon", CountryCode: "FR"},
		Email:      "camille@example.org", AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_TRAINING,
		Training: &candidatev1.TrainingEnrolment{Organisation: organisation},
	}
}

// register registers candidate to session through the registration form,
// waiting for the assessment service to learn the candidate (it answers
// CANDIDATE_UNKNOWN until the candidate service's event arrives).
func (b *liveBackend) register(t *testing.T, c *http.Client, session, candidate, employer string) {
	t.Helper()
	path := "/centre/sessions/" + session + "/candidatures"
	svctest.Eventually(t, "registration of "+candidate, func() error {
		p := centreSubmit(t, c, b.srv.URL, path, path, url.Values{"choix": {"identifiant"}, "candidat-identifiant": {candidate}, "employeur": {employer}})
		if p.status != http.StatusSeeOther {
			return &centrePageError{p}
		}
		return nil
	})
}

// centreSubmitKnown is centreSubmit for a form naming a candidate: while the
// assessment service has not learnt the candidate yet (CANDIDATE_UNKNOWN,
// whose page says to wait a few seconds), it sends the form again.
func centreSubmitKnown(t *testing.T, c *http.Client, base, path, action string, form url.Values) page {
	t.Helper()
	var last page
	for deadline := time.Now().Add(svctest.WaitFor); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		last = centreSubmit(t, c, base, path, action, form)
		if !strings.Contains(last.body, "Le service des sessions ne connaît pas ce candidat") { // the hint of CANDIDATE_UNKNOWN
			return last
		}
		centreMustRefuse(t, "candidate not known yet", last, http.StatusBadRequest, "patientez quelques secondes")
	}
	return last
}

type centrePageError struct{ p page }

func (e *centrePageError) Error() string {
	return "status " + http.StatusText(e.p.status) + "\n" + centreExcerpt(e.p.body)
}

// candidacyOf returns the id of candidate's candidacy in session.
func (b *liveBackend) candidacyOf(t *testing.T, centre, session, candidate string) string {
	t.Helper()
	resp, err := b.assessment.ListCandidacies(t.Context(), &assessmentv1.ListCandidaciesRequest{SessionId: session}, b.env.As(t, centrePrincipal(centre)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range resp.GetCandidacies() {
		if c.GetCandidateId() == candidate {
			return c.GetId()
		}
	}
	t.Fatalf("no candidacy of %s in %s", candidate, session)
	return ""
}

// submitDossier has the candidate (subject) write a complete Dossier
// Professionnel and submit it for the candidacy, and waits until the
// snapshot reaches the candidacy (R34).
func (b *liveBackend) submitDossier(t *testing.T, centre, subject, candidate, session, candidacy string) {
	t.Helper()
	as := b.env.As(t, centreCandidatePrincipal(subject))
	title := b.title(t)
	var d *portfoliov1.Dossier
	svctest.Eventually(t, "the dossier is created", func() error {
		resp, err := b.portfolio.CreateDossier(t.Context(), &portfoliov1.CreateDossierRequest{Dossier: &portfoliov1.Dossier{
			CandidateId: candidate, TitleId: title.GetId(), TitleVersion: title.GetVersion(),
		}}, as)
		d = resp.GetDossier()
		return err
	})
	update := &portfoliov1.Dossier{Id: d.GetId(), Etag: d.GetEtag(), SwornStatement: &portfoliov1.SwornStatement{
		SignerName: "Camille", Place: "Lyon", Date: time.Now().In(paris).Format(time.DateOnly),
	}}
	for _, ccp := range title.GetCcps() {
		update.Examples = append(update.Examples, &portfoliov1.PracticeExample{
			CcpCode: ccp.GetCode(), Title: "Exemple " + ccp.GetCode(), Tasks: "Migration du serveur de fichiers.", Means: "Windows Server.",
			Collaborators: "Responsable informatique.",
			Context:       &portfoliov1.PracticeContext{Organisation: "Transports Rhône SA", Unit: "Informatique", PeriodFrom: "2025-01-06", PeriodTo: "2025-06-27"},
		})
	}
	if _, err := b.portfolio.UpdateDossier(t.Context(), &portfoliov1.UpdateDossierRequest{
		Dossier: update, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"examples", "sworn_statement"}},
	}, as); err != nil {
		t.Fatalf("update dossier: %v", err)
	}
	svctest.Eventually(t, "the dossier is submitted", func() error {
		_, err := b.portfolio.SubmitDossier(t.Context(), &portfoliov1.SubmitDossierRequest{DossierId: d.GetId(), SessionId: session, CandidacyId: candidacy}, as)
		return err
	})
	svctest.Eventually(t, "the snapshot reaches the candidacy", func() error {
		resp, err := b.assessment.GetCandidacy(t.Context(), &assessmentv1.GetCandidacyRequest{SessionId: session, CandidacyId: candidacy},
			b.env.As(t, centrePrincipal(centre)))
		if err == nil && resp.GetCandidacy().GetDossierSnapshotId() == "" {
			return centreErrNotYet
		}
		return err
	})
}

// scoreAndDeliberate has every juror (subjects) record MASTERED on every
// competence of the candidacy (over what they wrote before), then the
// first deliberate: every CCP obtained.
func (b *liveBackend) scoreAndDeliberate(t *testing.T, session, candidacy string, jurors ...string) {
	t.Helper()
	title := b.title(t)
	for _, j := range jurors {
		as := b.env.As(t, auth.Principal{Subject: j, Roles: []auth.Role{auth.RoleJuror}})
		current, err := b.assessment.GetEvaluation(t.Context(), &assessmentv1.GetEvaluationRequest{SessionId: session, CandidacyId: candidacy, JurorSubject: "me"}, as)
		if err != nil {
			t.Fatalf("evaluation of %s: %v", j, err)
		}
		ev := &assessmentv1.Evaluation{Etag: current.GetEvaluation().GetEtag()}
		for _, ccp := range title.GetCcps() {
			for _, comp := range ccp.GetCompetences() {
				ev.Items = append(ev.Items, &assessmentv1.EvaluationItem{
					CompetenceCode: comp.GetCode(), Verdict: assessmentv1.Verdict_VERDICT_MASTERED,
					Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE,
				})
			}
		}
		if _, err := b.assessment.UpdateEvaluation(t.Context(), &assessmentv1.UpdateEvaluationRequest{
			SessionId: session, CandidacyId: candidacy, JurorSubject: "me", Evaluation: ev,
		}, as); err != nil {
			t.Fatalf("evaluation of %s: %v", j, err)
		}
	}
	req := &assessmentv1.DeliberateCandidacyRequest{SessionId: session, CandidacyId: candidacy}
	for _, ccp := range title.GetCcps() {
		req.CcpDecisions = append(req.CcpDecisions, &assessmentv1.CcpDecision{CcpCode: ccp.GetCode(), Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED})
	}
	if _, err := b.assessment.DeliberateCandidacy(t.Context(), req, b.env.As(t, auth.Principal{Subject: jurors[0], Roles: []auth.Role{auth.RoleJuror}})); err != nil {
		t.Fatalf("deliberation: %v", err)
	}
}

// sign has juror sign the session's minutes.
func (b *liveBackend) sign(t *testing.T, session, juror string) {
	t.Helper()
	as := b.env.As(t, auth.Principal{Subject: juror, Roles: []auth.Role{auth.RoleJuror}})
	m, err := b.assessment.GetMinutes(t.Context(), &assessmentv1.GetMinutesRequest{SessionId: session}, as)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.assessment.SignMinutes(t.Context(), &assessmentv1.SignMinutesRequest{SessionId: session, ContentHash: m.GetMinutes().GetContentHash()}, as); err != nil {
		t.Fatalf("signature of %s: %v", juror, err)
	}
}

var centreErrNotYet = &centreNotYet{}

type centreNotYet struct{}

func (*centreNotYet) Error() string { return "not yet" }
