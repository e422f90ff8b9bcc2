package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"google.golang.org/grpc/metadata"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/svctest"
)

// The candidate's tests act through the web application (stack_test.go)
// as the candidate, and through gRPC as the other people of the workflow
// (the centre, the jurors, the ministry), whose screens are not under test
// here.

// candidatePerson is someone of the workflow: a principal and its token.
type candidatePerson struct {
	auth.Principal
	token string
}

// newPerson mints a token for a new person with role (and centre).
func (s *stack) newPerson(t testing.TB, role auth.Role, centre string) candidatePerson {
	t.Helper()
	p := auth.Principal{Subject: string(role) + "-" + uuid.NewString()[:8], Roles: []auth.Role{role}, Centre: centre}
	return candidatePerson{Principal: p, token: s.token(t, p)}
}

// ctx is a context carrying p's token, for the gRPC calls the test makes
// as p.
func (p candidatePerson) ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), svctest.WaitFor)
	t.Cleanup(cancel)
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+p.token)
}

// browserOf returns a browser signed in as p, with p's token.
func (s *stack) browserOf(t testing.TB, p candidatePerson) *http.Client {
	t.Helper()
	c, _ := s.signedIn(t, p.Principal, p.token)
	return c
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

// planned is a session the centre planned, with its jury.
type planned struct {
	id     string
	centre auth.Principal
	jurors []auth.Principal
}

// planWithJury has a new centre plan a session of typ of TP-00495 (ccps
// for a session CCP) with two new jurors.
func (s *stack) planWithJury(t testing.TB, typ assessmentv1.SessionType, ccps []string) planned {
	t.Helper()
	title := s.title(t)
	p := planned{centre: s.newPerson(t, auth.RoleCentre, "CENTRE-"+uuid.NewString()[:8]).Principal}
	for range 2 {
		p.jurors = append(p.jurors, s.newPerson(t, auth.RoleJuror, "").Principal)
	}
	p.id = s.planSession(t, p.centre, jury{session: sessionFrom(typ, title.GetId(), title.GetVersion(), ccps), jurors: p.jurors})
	return p
}

// runJury opens the session, has both jurors score every competence of
// the candidacy (NOT_MASTERED for the CCPs in failed), deliberates (with a
// motivation for each failed CCP), signs the minutes and has the ministry
// validate them. The candidacy's dossier must be submitted.
func (s *stack) runJury(t testing.TB, p planned, candidacyID string, failed map[string]string) {
	t.Helper()
	_, err := s.assess.OpenSession(t.Context(), &assessmentv1.OpenSessionRequest{SessionId: p.id}, s.as(t, p.centre))
	stackMust(t, "open the session", err)
	var scope []string
	waitUntil(t, "the dossier to reach the candidacy", func() bool {
		got, err := s.assess.GetCandidacy(t.Context(), &assessmentv1.GetCandidacyRequest{SessionId: p.id, CandidacyId: candidacyID}, s.as(t, p.centre))
		stackMust(t, "read the candidacy", err)
		scope = got.GetCandidacy().GetCcpCodes()
		return got.GetCandidacy().GetDossierSnapshotId() != ""
	})
	var ko []string
	for code := range failed {
		ko = append(ko, code)
	}
	title := s.title(t)
	for _, j := range p.jurors {
		s.score(t, j, p.id, candidacyID, title, scope, notMasteredIn(ko))
	}
	s.deliberate(t, p.jurors[0], p.id, candidacyID, scope, failed)
	s.sign(t, p.id, p.jurors...)
	s.validate(t, s.newPerson(t, auth.RoleMinistry, "").Principal, p.id)
}
