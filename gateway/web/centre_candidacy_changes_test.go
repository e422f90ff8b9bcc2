package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestCentreChangesCandidacies: from the candidacies page the centre
// records a disability adjustment while the session is planned (R46: a
// field violation next to its field, an authorisation not before the
// session refused in the alert naming the rule), transfers a candidacy to
// another planned session of the centre (a target elsewhere refused), and
// once the session is open records the attendance per épreuve and
// withdraws a candidacy (but not the last one).
func TestCentreChangesCandidacies(t *testing.T) {
	t.Parallel()
	b := startLiveBackend(t)
	const centre = "CENTRE-69-001"
	c := b.centreClient(t, centre)
	id := b.planSession(t, c)
	other := b.planSession(t, c)
	path := "/centre/sessions/" + id + "/candidatures"
	durand := b.selfRegistered(t, "camille@idp", "Durand", "AFPA Lyon")
	bernard := b.selfRegistered(t, "dominique@idp", "Bernard", "Greta Lyon")
	b.register(t, c, id, durand, "")
	b.register(t, c, id, bernard, "")
	morel := b.selfRegistered(t, "eli@idp", "Morel", "Greta Lyon")
	b.register(t, c, id, morel, "")
	durandC := b.candidacyOf(t, centre, id, durand)
	bernardC := b.candidacyOf(t, centre, id, bernard)
	today := time.Now().In(paris)
	yesterday := today.AddDate(0, 0, -1).Format(time.DateOnly)

	p := get(t, c, b.srv.URL+path)
	centreMust(t, "planned", p, http.StatusOK, "Aménagements, transferts et retraits", `data-changes="`+durandC+`"`,
		"Épreuve aménagée — Durand Camille", `action="`+path+`/`+durandC+`/amenagement"`,
		`action="`+path+`/`+durandC+`/transfert"`, `<option value="`+other+`">Session titre du `+CivilDateFR(today.Format(time.DateOnly)))
	centreMustNot(t, "planned", p, "Présence aux épreuves", `value="`+id+`">`)
	epreuve := centreFirstOption(t, p.body, `id="am-`+durandC+`-epreuve"`)

	// R46: exceptional without a justification, next to the field.
	adjust := path + "/" + durandC + "/amenagement"
	p = centreSubmit(t, c, b.srv.URL, path, adjust, url.Values{"epreuve": {epreuve}, "minutes": {"20"}, "duree": {"120"},
		"reference": {"MDPH-69-0042"}, "date": {yesterday}, "exceptionnel": {"oui"}})
	centreMust(t, "no justification", p, http.StatusUnprocessableEntity, `href="#am-`+durandC+`-justification"`,
		`id="am-`+durandC+`-justification-erreur">Justifiez l’aménagement exceptionnel (règle R46).`, `value="MDPH-69-0042"`,
		`<details class="titrepro-centre-change fr-mb-3w" id="candidature-`+durandC+`" data-changes="`+durandC+`" open>`)
	// R46: authorised on the session's first day.
	p = centreSubmit(t, c, b.srv.URL, path, adjust, url.Values{"epreuve": {epreuve}, "minutes": {"20"}, "duree": {"120"},
		"reference": {"MDPH-69-0042"}, "date": {today.Format(time.DateOnly)}})
	centreMustRefuse(t, "authorised too late", p, http.StatusBadRequest, "L’aménagement doit avoir été autorisé avant la session", "R46")
	p = centreSubmit(t, c, b.srv.URL, path, adjust, url.Values{"epreuve": {epreuve}, "minutes": {"20"}, "duree": {"120"},
		"reference": {"MDPH-69-0042"}, "date": {yesterday}, "amenagements": {"Salle au rez-de-chaussée"}})
	if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "?fait=amenagement") {
		t.Fatalf("record the adjustment: %d %q\n%s", p.status, p.header.Get("Location"), centreExcerpt(p.body))
	}
	centreMust(t, "adjusted", get(t, c, b.srv.URL+path+"?fait=amenagement"), http.StatusOK, "L’aménagement est enregistré",
		"20 min de temps supplémentaire ; Salle au rez-de-chaussée (autorisation MDPH-69-0042 du "+CivilDateFR(yesterday))

	// A transfer: nothing chosen; a session of another centre; then the
	// other session of the centre.
	transfer := path + "/" + bernardC + "/transfert"
	centreMust(t, "no target", centreSubmit(t, c, b.srv.URL, path, transfer, url.Values{"session": {""}}),
		http.StatusUnprocessableEntity, `href="#tr-`+bernardC+`-session"`)
	elsewhere := b.planSession(t, b.centreClient(t, "CENTRE-75-002"))
	p = centreSubmit(t, c, b.srv.URL, path, transfer, url.Values{"session": {elsewhere}, "motif": {"Convenance"}})
	centreMustRefuse(t, "another centre's session", p, http.StatusBadRequest, "autre session planifiée du même centre")
	centreMust(t, "another centre's session", p, http.StatusBadRequest, ">Convenance</textarea>")
	p = centreSubmit(t, c, b.srv.URL, path, transfer, url.Values{"session": {other}, "motif": {"Stage en entreprise"}})
	if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "?fait=transfert") {
		t.Fatalf("transfer: %d %q\n%s", p.status, p.header.Get("Location"), centreExcerpt(p.body))
	}
	p = get(t, c, b.srv.URL+path+"?fait=transfert")
	centreMust(t, "transferred", p, http.StatusOK, "La candidature est transférée", "Transférée vers une autre session le ", "Stage en entreprise",
		"Dossiers professionnels déposés : <strong>0 sur 2</strong> (candidatures retirées ou transférées non comptées)")
	centreMustNot(t, "transferred", p, `data-changes="`+bernardC+`"`)
	centreMust(t, "in the other session", get(t, c, b.srv.URL+"/centre/sessions/"+other+"/candidatures"), http.StatusOK, "Bernard Camille")

	// Attendance is recorded once the session is open.
	attend := path + "/" + durandC + "/presence"
	centreMustRefuse(t, "not open yet", centreSubmit(t, c, b.srv.URL, path, attend, url.Values{"epreuve": {epreuve}, "presence:" + epreuve: {"present"}}),
		http.StatusBadRequest, "entre son ouverture et la signature du procès-verbal")
	b.addJuror(t, c, id, b.centreJurorValues(t, "juror-alice", "Alice Martin"))
	b.addJuror(t, c, id, b.centreJurorValues(t, "juror-bruno", "Bruno Petit"))
	page := "/centre/sessions/" + id
	if p := centreSubmit(t, c, b.srv.URL, page, page, url.Values{"action": {"ouvrir"}}); p.status != http.StatusSeeOther {
		t.Fatalf("open: %d\n%s", p.status, centreExcerpt(p.body))
	}
	p = get(t, c, b.srv.URL+path)
	centreMust(t, "in progress", p, http.StatusOK, "Présence, transferts et retraits", "Présence aux épreuves", `action="`+attend+`"`)
	centreMustNot(t, "in progress", p, "Aménagement lié au handicap")
	centreMust(t, "nothing marked", centreSubmit(t, c, b.srv.URL, path, attend, url.Values{"epreuve": {epreuve}}),
		http.StatusUnprocessableEntity, `href="#pr-`+durandC+`-0"`, "Indiquez si le candidat était présent ou absent")
	p = centreSubmit(t, c, b.srv.URL, path, attend, url.Values{"epreuve": {epreuve}, "presence:" + epreuve: {"present"}})
	if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "?fait=presence") {
		t.Fatalf("attendance: %d %q\n%s", p.status, p.header.Get("Location"), centreExcerpt(p.body))
	}
	centreMust(t, "present", get(t, c, b.srv.URL+path+"?fait=presence"), http.StatusOK, "La présence du candidat est enregistrée",
		" : présent</span>", `id="pr-`+durandC+`-0" name="presence:`+epreuve+`" value="present" checked`)

	// A withdrawal by the centre; the last candidacy of an open session
	// is not withdrawn (the centre cancels the session instead).
	morelC := b.candidacyOf(t, centre, id, morel)
	p = centreSubmit(t, c, b.srv.URL, path, path+"/"+morelC+"/retrait", url.Values{"motif": {"Abandon de la formation."}})
	if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "?fait=retrait") {
		t.Fatalf("withdraw: %d %q\n%s", p.status, p.header.Get("Location"), centreExcerpt(p.body))
	}
	p = get(t, c, b.srv.URL+path+"?fait=retrait")
	centreMust(t, "withdrawn", p, http.StatusOK, "La candidature est retirée", "Retirée par le centre le ", "Abandon de la formation.")
	centreMustNot(t, "withdrawn", p, `data-changes="`+morelC+`"`)
	p = centreSubmit(t, c, b.srv.URL, path, path+"/"+durandC+"/retrait", url.Values{"motif": {"Déménagement"}})
	centreMustRefuse(t, "the last candidacy", p, http.StatusBadRequest, "c’est sa dernière candidature", "Annulez plutôt la session")
	centreMust(t, "the last candidacy", p, http.StatusBadRequest, ">Déménagement</textarea>")
}

// centreFirstOption returns the value of the first option of the select
// whose attributes start with attr.
func centreFirstOption(t *testing.T, body, attr string) string {
	t.Helper()
	i := strings.Index(body, attr)
	if i < 0 {
		t.Fatalf("no select %s", attr)
	}
	rest := body[i:]
	j := strings.Index(rest, `<option value="`)
	if j < 0 {
		t.Fatalf("no option in %s", attr)
	}
	rest = rest[j+len(`<option value="`):]
	return rest[:strings.Index(rest, `"`)]
}
