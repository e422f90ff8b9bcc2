package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
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

// centreClient returns a browser signed in as the centre's agent, the
// centre approved for TP-00495 at "AFPA Lyon Vénissieux" (R8).
func (b *liveBackend) centreClient(t *testing.T, centre string) *http.Client {
	t.Helper()
	b.approveCentre(t, centre)
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

// centreJurorValues is the jury form choosing the juror subject in the
// register: the ministry has recorded the habilitation "HAB-69-<subject>"
// for TP-00495 and the juror accepted the charte, and the assessment
// service knows both (centreHabilitate). An empty subject chooses no one.
func (b *liveBackend) centreJurorValues(t *testing.T, subject, name string) url.Values {
	t.Helper()
	number := ""
	if subject != "" {
		number = b.centreHabilitate(t, subject, name)
	}
	return url.Values{
		"action": {"ajouter"}, "hab-numero": {number},
		"lien-1-nature": {""}, "lien-1-valeur": {""}, "lien-2-nature": {""}, "lien-2-valeur": {""},
	}
}

// addJuror adds a juror through the jury form (centreJurorValues).
func (b *liveBackend) addJuror(t *testing.T, c *http.Client, session string, form url.Values) {
	t.Helper()
	path := "/centre/sessions/" + session + "/jury"
	p := centreSubmit(t, c, b.srv.URL, path, path, form)
	if p.status != http.StatusSeeOther {
		t.Fatalf("add juror %s: %d\n%s", form.Get("hab-numero"), p.status, centreExcerpt(p.body))
	}
}

// selfRegistered creates the record of a person who registers themselves
// (subject) and returns its id.
func (b *liveBackend) selfRegistered(t *testing.T, subject, birthName, organisation string) string {
	t.Helper()
	return b.registerCandidate(t, centreCandidatePrincipal(subject), centreCandidateRecord(birthName, organisation))
}

func centreCandidatePrincipal(subject string) auth.Principal {
	return auth.Principal{Subject: subject, Roles: []auth.Role{auth.RoleCandidate}}
}

func centreJurorPrincipal(subject string) auth.Principal {
	return auth.Principal{Subject: subject, Roles: []auth.Role{auth.RoleJuror}}
}

// centreCandidateRecord is candidateRecord trained at organisation.
func centreCandidateRecord(birthName, organisation string) *candidatev1.Candidate {
	c := candidateRecord(birthName, "Camille")
	c.Training.Organisation = organisation
	return c
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
	resp, err := b.assess.ListCandidacies(t.Context(), &assessmentv1.ListCandidaciesRequest{SessionId: session}, b.as(t, centrePrincipal(centre)))
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

// approveCentre has the ministry approve centre for the latest TP-00495 at
// "AFPA Lyon Vénissieux" (R8) and waits until the assessment service knows
// it: a probe that plans nothing (a CCP the title does not have) is
// refused for the CCP once the agrément is known, AGREMENT_MISSING before.
func (b *liveBackend) approveCentre(t *testing.T, centre string) {
	t.Helper()
	title := b.title(t)
	b.approve(t, centre, title.GetId(), title.GetVersion(), "AFPA Lyon Vénissieux")
	today := time.Now().In(paris).Format(time.DateOnly)
	svctest.Eventually(t, "the assessment service knows the agrément of "+centre, func() error {
		_, err := b.assess.CreateSession(t.Context(), &assessmentv1.CreateSessionRequest{Session: &assessmentv1.Session{
			Type: assessmentv1.SessionType_SESSION_TYPE_CCP, TitleId: title.GetId(), TitleVersion: title.GetVersion(),
			CcpCodes: []string{"NO-SUCH-CCP"}, Site: "AFPA Lyon Vénissieux", StartDate: today, EndDate: today,
		}}, b.as(t, centrePrincipal(centre)))
		if r := centreReason(err); r == "AGREMENT_MISSING" || r == "TITLE_UNKNOWN" {
			return err
		}
		return nil
	})
}

// probeCentre plans the probe session (liveBackend.probe).
const probeCentre = "CENTRE-PROBE"

// centreHabilitate has the ministry record the juror's habilitation for
// TP-00495 and the juror accept the charte (stack.habilitate), and waits
// until the assessment service knows both: the juror joins the backend's
// probe session. It returns the habilitation number.
func (b *liveBackend) centreHabilitate(t *testing.T, subject, name string) string {
	t.Helper()
	if name == "" {
		name = subject
	}
	title := b.title(t)
	number := b.habilitate(t, subject, name, title.GetId())
	if b.probe == "" {
		b.approve(t, probeCentre, title.GetId(), title.GetVersion(), "Sonde")
		today := time.Now().In(paris).Format(time.DateOnly)
		eventually(t, "plan the probe session", func() error {
			resp, err := b.assess.CreateSession(t.Context(), &assessmentv1.CreateSessionRequest{Session: &assessmentv1.Session{
				Type: assessmentv1.SessionType_SESSION_TYPE_TITRE, TitleId: title.GetId(), TitleVersion: title.GetVersion(),
				Site: "Sonde", StartDate: today, EndDate: today,
			}}, b.as(t, centrePrincipal(probeCentre)))
			b.probe = resp.GetSession().GetId()
			return err
		})
	}
	eventually(t, "the assessment service knows the habilitation of "+subject, func() error {
		_, err := b.assess.AddJuror(t.Context(), &assessmentv1.AddJurorRequest{SessionId: b.probe, Juror: &assessmentv1.Juror{
			Subject: subject, Habilitation: &assessmentv1.Habilitation{Number: number}}}, b.as(t, centrePrincipal(probeCentre)))
		return err
	})
	return number
}
