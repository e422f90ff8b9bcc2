package browsertest

import (
	"net/url"
	"strings"
)

// Login signs in through the all-in-one's development login page: it opens
// base/connexion?retour=ret, picks the role (the form's "role" field, by
// its value: candidate, centre, juror, ministry, admin), types the subject
// and the centre code (for the centre role) and sends the form. It returns
// the HTTP status of the page the login lands on (ret, normally).
func (p *Tab) Login(base, role, subject, centre, ret string) int64 {
	p.t.Helper()
	if status := p.Open(base + "/connexion?" + url.Values{"retour": {ret}}.Encode()); status != 200 {
		p.t.Fatalf("login: the development login page answered %d at %s", status, p.URL())
	}
	if !strings.Contains(p.URL(), "/oauth/authorize") {
		p.t.Fatalf("login: /connexion led to %s, not the development login page", p.URL())
	}
	p.ClickCSS(`input[name="role"][value="` + role + `"]`)
	p.Fill("Identifiant", subject)
	if centre != "" {
		p.Fill("Code du centre d’examen", centre)
	}
	return p.Follow("Se connecter")
}
