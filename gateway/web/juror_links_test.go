package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/auth"
)

// TestJurorDeclaresLinksOnTheSessionPage: on the session page, a juror
// declares a link with the candidate's training organisation (R21): the
// form adds rows, tells a row without a kind, and once the declaration is
// recorded the candidacy leaves the juror's list (not the others').
func TestJurorDeclaresLinksOnTheSessionPage(t *testing.T) {
	t.Parallel()
	b := startJurorBackend(t)
	s := b.newScenario(t, scenarioOptions{jurors: []auth.Principal{tJuror1, tJuror2, tJuror3}})
	juror1 := b.browserAs(t, tJuror1)
	sessionURL := b.srv.URL + "/jury/sessions/" + s.session
	linksURL := sessionURL + "/liens"

	p := get(t, juror1, sessionURL)
	wants(t, "the session page", p, 200, "Mes liens déclarés", "Aucun lien n’est déclaré pour vous", "Déclarer mes liens", `id="lien-1-nature"`)
	if !strings.Contains(p.body, s.candidacy) {
		t.Fatal("the session page does not list the candidacy before the declaration")
	}

	p = juryPost(t, juror1, linksURL, url.Values{CSRFField: {juryCSRF(t, juror1, sessionURL)}, "action": {"ligne"},
		"lien-1-nature": {"organisme"}, "lien-1-valeur": {"AFPA Lyon"}})
	wants(t, "one more row", p, 200, `id="lien-2-nature"`, `value="AFPA Lyon"`)

	p = juryPost(t, juror1, linksURL, url.Values{CSRFField: {juryCSRF(t, juror1, sessionURL)}, "action": {"declarer"},
		"lien-1-nature": {""}, "lien-1-valeur": {"AFPA Lyon"}})
	wants(t, "a row without a kind", p, 422, "Précisez la nature du lien 1")

	p = juryPost(t, juror1, linksURL, url.Values{CSRFField: {juryCSRF(t, juror1, sessionURL)}, "action": {"declarer"},
		"lien-1-nature": {"organisme"}, "lien-1-valeur": {strings.Repeat("x", 201)}})
	wants(t, "a value too long", p, 422, "Saisissez de 1 à 200 caractères", `aria-describedby="lien-1-valeur-erreur"`)

	p = juryPost(t, juror1, linksURL, url.Values{CSRFField: {juryCSRF(t, juror1, sessionURL)}, "action": {"declarer"},
		"lien-1-nature": {"organisme"}, "lien-1-valeur": {"afpa lyon"}, "lien-2-nature": {""}, "lien-2-valeur": {""}})
	if p.status != 303 || p.header.Get("Location") != "/jury/sessions/"+s.session+"?liens=declares#mes-liens" {
		t.Fatalf("declaring = %d %q; want 303 to the session page", p.status, p.header.Get("Location"))
	}
	p = get(t, juror1, sessionURL+"?liens=declares")
	wants(t, "after the declaration", p, 200, "Vos liens sont enregistrés", "Déclarés par vous le", "Organisme de formation : afpa lyon")
	if strings.Contains(p.body, s.candidacy) {
		t.Error("the session page still lists the candidacy juror 1 is now recused from")
	}
	if p := get(t, b.browserAs(t, tJuror2), sessionURL); !strings.Contains(p.body, s.candidacy) {
		t.Error("juror 2 no longer sees the candidacy")
	}
	// The centre reads the juror's declaration on the jury page.
	wants(t, "the centre's jury page", get(t, b.browserAs(t, tCentre), b.srv.URL+"/centre/sessions/"+s.session+"/jury"), 200,
		"Organisme de formation : afpa lyon", "Déclarés par le juré le")
}
