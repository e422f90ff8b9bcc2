package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/auth"
)

// TestCandidateWithdrawsFromASession: the person's sessions page offers to
// withdraw a candidacy awaiting its deliberation; once withdrawn, the page
// says so and offers neither the withdrawal nor the submission again.
func TestCandidateWithdrawsFromASession(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	me := s.newPerson(t, auth.RoleCandidate, "")
	s.registerCandidate(t, me.Principal, candidateRecord("Durand", "Camille"))
	c := s.browserOf(t, me)
	session := s.planWithJury(t, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	candidacy := s.registerCandidacy(t, session.centre, session.id, s.candidateID(t, me))
	action := sessionsPath + "/" + session.id + "/candidatures/" + candidacy + "/retrait"

	p := get(t, c, s.srv.URL+sessionsPath)
	if p.status != http.StatusOK || !strings.Contains(p.body, `action="`+action+`"`) || !strings.Contains(p.body, "Me retirer de cette session") {
		t.Fatalf("the sessions page offers no withdrawal: %d", p.status)
	}
	// Another person's candidacy: refused, nothing changes.
	other := s.newPerson(t, auth.RoleCandidate, "")
	oc := s.browserOf(t, other)
	op := get(t, oc, s.srv.URL+sessionsPath)
	if r := s.postForm(t, oc, action, csrfOf(t, op.body), url.Values{}); r.status == http.StatusSeeOther {
		t.Fatalf("another person withdrew the candidacy: %d", r.status)
	}
	r := s.postForm(t, c, action, csrfOf(t, p.body), url.Values{"raison": {"Raisons de santé."}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != sessionsPath+"?retrait=1" {
		t.Fatalf("withdraw = %d %q", r.status, r.header.Get("Location"))
	}
	p = get(t, c, s.srv.URL+sessionsPath+"?retrait=1")
	for _, want := range []string{"Votre candidature est retirée", "Retirée par le candidat le ", "Raisons de santé."} {
		if !strings.Contains(p.body, want) {
			t.Errorf("the page after the withdrawal lacks %q", want)
		}
	}
	if strings.Contains(p.body, "Me retirer de cette session") || strings.Contains(p.body, "Déposer mon dossier pour cette session") {
		t.Error("a withdrawn candidacy is still offered a withdrawal or a submission")
	}
}
