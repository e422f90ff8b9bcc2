package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/titrepro/titrepro/internal/auth"
)

// TestJurorAcceptsTheCharter: a juror who has not accepted the charte de
// déontologie is told so on their sessions page, reads it, must tick the
// commitment, and accepts it (R23); the notice then goes.
func TestJurorAcceptsTheCharter(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	juror := auth.Principal{Subject: "jure-charte", Roles: []auth.Role{auth.RoleJuror}}
	c := s.browserAs(t, juror)
	base := s.srv.URL

	centreMust(t, "sessions before", get(t, c, base+"/jury"), http.StatusOK, "data-charter-missing", `href="/jury/charte"`)
	centreMust(t, "charte", get(t, c, base+"/jury/charte"), http.StatusOK, "Charte de déontologie des jurys", "Vos engagements", "Accepter la charte")
	unticked := centreSubmit(t, c, base, "/jury/charte", "/jury/charte", url.Values{"version": {"1"}})
	centreMust(t, "not ticked", unticked, http.StatusUnprocessableEntity, `href="#lu"`, "Cochez la case")
	done := centreSubmit(t, c, base, "/jury/charte", "/jury/charte", url.Values{"version": {"1"}, "lu": {"1"}})
	if done.status != http.StatusSeeOther || done.header.Get("Location") != "/jury/charte?acceptee=1" {
		t.Fatalf("accept: %d %q\n%s", done.status, done.header.Get("Location"), centreExcerpt(done.body))
	}
	accepted := get(t, c, base+"/jury/charte?acceptee=1")
	centreMust(t, "accepted", accepted, http.StatusOK, "Vous avez accepté la charte de déontologie.", "Vous avez accepté la version 1 de la charte le")
	centreMustNot(t, "accepted", accepted, "Accepter la charte</button>")
	centreMustNot(t, "sessions after", get(t, c, base+"/jury"), "data-charter-missing")
}
