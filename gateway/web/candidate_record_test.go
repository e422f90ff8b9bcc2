package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/auth"
)

// recordForm is a complete record as the form sends it.
func recordForm() url.Values {
	return url.Values{
		"birth_name": {"Durand"}, "given_names": {"Camille, Marie"}, "birth_date": {"12/03/1994"},
		"birth_commune": {"Lyon"}, "birth_country": {"fr"}, "email": {"camille.durand@example.org"},
		"phone": {"+33 612345678"}, "address_1": {"12 rue des Lilas"}, "postal_code": {"69003"}, "locality": {"Lyon"},
		"address_country": {"FR"}, "access_route": {"TRAINING"}, "organisation": {"AFPA Lyon"},
		// VAE fields typed by mistake are not sent for the training route.
		"decision_date": {"2020-01-01"},
	}
}

func TestCandidateCreatesThenEditsTheRecord(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	me := s.newPerson(t, auth.RoleCandidate, "")
	c := s.browserOf(t, me)

	// No record yet: the space says to create it; the form is empty.
	if p := get(t, c, s.srv.URL+"/candidat"); p.status != 200 || !strings.Contains(p.body, "Créer ma fiche candidat") {
		t.Fatalf("space without a record: %d", p.status)
	}
	form := get(t, c, s.srv.URL+"/candidat/fiche")
	if form.status != 200 || !strings.Contains(form.body, "<h1>Créer ma fiche candidat</h1>") || !strings.Contains(form.body, `name="request_id"`) {
		t.Fatalf("creation form: %d", form.status)
	}
	for _, w := range []string{`for="nom-naissance"`, `maxlength="100"`, `maxlength="254"`, `autocomplete="bday"`, `<legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="voie-formation-legende">`} {
		if !strings.Contains(form.body, w) {
			t.Errorf("creation form lacks %q", w)
		}
	}
	values := recordForm()
	values.Set("request_id", requestIDOf(t, form.body))
	p := s.postForm(t, c, "/candidat/fiche", csrfOf(t, form.body), values)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/candidat?ok=fiche-creee" {
		t.Fatalf("create: %d %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	// The record is the person's, as the service stored it.
	list, err := s.cand.ListCandidates(me.ctx(t), &candidatev1.ListCandidatesRequest{})
	if err != nil || len(list.GetCandidates()) != 1 {
		t.Fatalf("records: %v %d", err, len(list.GetCandidates()))
	}
	rec := list.GetCandidates()[0]
	if rec.GetSubject() != me.Subject || rec.GetBirthDate() != "1994-03-12" || strings.Join(rec.GetGivenNames(), "|") != "Camille|Marie" ||
		rec.GetPhone() != "+33612345678" || rec.GetBirthPlace().GetCountryCode() != "FR" || rec.GetVaeAdmissibility() != nil ||
		rec.GetTraining().GetOrganisation() != "AFPA Lyon" {
		t.Errorf("stored record: %v", rec)
	}
	space := get(t, c, s.srv.URL+"/candidat?ok=fiche-creee")
	if !strings.Contains(space.body, "Votre fiche candidat est créée") || !strings.Contains(space.body, rec.GetId()) {
		t.Error("the space does not confirm, or does not show the record's id to give the centre")
	}

	// Sending the creation form again (a double click) is answered with
	// the record, not a second one.
	p = s.postForm(t, c, "/candidat/fiche", csrfOf(t, form.body), values)
	if p.status != http.StatusSeeOther {
		t.Errorf("create again: %d", p.status)
	}

	// Edit: the form shows the record with its etag; a change is saved.
	edit := get(t, c, s.srv.URL+"/candidat/fiche")
	if !strings.Contains(edit.body, "<h1>Ma fiche candidat</h1>") || !strings.Contains(edit.body, `value="Camille, Marie"`) ||
		!strings.Contains(edit.body, `value="`+rec.GetEtag()+`"`) {
		t.Fatalf("edit form does not show the record")
	}
	values = recordForm()
	values.Set("etag", rec.GetEtag())
	values.Set("usage_name", "Martin")
	values.Set("access_route", "VAE")
	values.Set("decision_date", "")
	values.Set("decided_by", "DREETS Auvergne-Rhône-Alpes")
	p = s.postForm(t, c, "/candidat/fiche", csrfOf(t, edit.body), values)
	// The VAE route needs its decision date (R25): the field says so,
	// the typed values stay, and nothing is saved.
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("VAE without a decision: %d", p.status)
	}
	for _, w := range []string{`href="#date-recevabilite"`, `id="date-recevabilite-erreur"`, `value="Martin"`, `value="DREETS Auvergne-Rhône-Alpes"`, "<title>Erreur : "} {
		if !strings.Contains(p.body, w) {
			t.Errorf("refused edit lacks %q", w)
		}
	}
	values.Set("decision_date", "2010-01-01")
	p = s.postForm(t, c, "/candidat/fiche", csrfOf(t, edit.body), values)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "n’est plus valable (règle R25)") {
		t.Errorf("expired admissibility: %d", p.status)
	}
	values.Set("access_route", "TRAINING")
	p = s.postForm(t, c, "/candidat/fiche", csrfOf(t, edit.body), values)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/candidat/fiche?ok=fiche" {
		t.Fatalf("edit: %d\n%s", p.status, p.body)
	}
	got, _ := s.cand.GetCandidate(me.ctx(t), &candidatev1.GetCandidateRequest{CandidateId: rec.GetId()})
	if got.GetCandidate().GetUsageName() != "Martin" {
		t.Errorf("usage name not saved: %q", got.GetCandidate().GetUsageName())
	}

	// The same form sent again carries the old etag: 409, the person's
	// input is kept and a link reloads the latest version.
	values.Set("usage_name", "Bernard")
	p = s.postForm(t, c, "/candidat/fiche", csrfOf(t, edit.body), values)
	if p.status != http.StatusConflict || !strings.Contains(p.body, "Modification concurrente") || !strings.Contains(p.body, `value="Bernard"`) ||
		!strings.Contains(p.body, `href="/candidat/fiche">Recharger la dernière version`) {
		t.Errorf("stale etag: %d", p.status)
	}
}

func TestCandidateRecordRefusalsAreShownOnTheFields(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	c := s.browserOf(t, s.newPerson(t, auth.RoleCandidate, ""))
	form := get(t, c, s.srv.URL+"/candidat/fiche")
	values := recordForm()
	values.Set("request_id", requestIDOf(t, form.body))
	values.Set("email", "pas-une-adresse")
	values.Set("birth_name", "")
	values.Set("organisation", "")
	p := s.postForm(t, c, "/candidat/fiche", csrfOf(t, form.body), values)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid record: %d", p.status)
	}
	for _, id := range []string{"courriel", "nom-naissance", "organisme"} {
		if !strings.Contains(p.body, `href="#`+id+`"`) || !strings.Contains(p.body, `id="`+id+`-erreur"`) {
			t.Errorf("no error linked to %s", id)
		}
	}
	if !strings.Contains(p.body, "Le formulaire contient 3 erreurs") {
		t.Error("the summary does not count the errors")
	}
	// The summary reads in the order of the form.
	if a, b, c := strings.Index(p.body, `href="#nom-naissance"`), strings.Index(p.body, `href="#courriel"`), strings.Index(p.body, `href="#organisme"`); !(a < b && b < c) {
		t.Errorf("summary order: %d %d %d", a, b, c)
	}
	// Nothing was created.
	if p := get(t, c, s.srv.URL+"/candidat/fiche"); !strings.Contains(p.body, "Créer ma fiche candidat") {
		t.Error("a refused record was created")
	}
}

func TestCandidatePagesAreForCandidates(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	juror := s.browserOf(t, s.newPerson(t, auth.RoleJuror, ""))
	for _, path := range []string{"/candidat", "/candidat/fiche", "/candidat/dossier", "/candidat/sessions", "/candidat/resultats"} {
		if p := get(t, juror, s.srv.URL+path); p.status != http.StatusForbidden || !strings.Contains(p.body, "Accès réservé") {
			t.Errorf("%s for a juror: %d", path, p.status)
		}
	}
	// Anonymous: the login round trip, back to the page.
	if p := get(t, browser(t), s.srv.URL+"/candidat/dossier"); p.status != http.StatusSeeOther ||
		p.header.Get("Location") != "/connexion?retour=%2Fcandidat%2Fdossier" {
		t.Errorf("anonymous: %d %q", p.status, p.header.Get("Location"))
	}
	// A form without its CSRF token is refused before anything is done.
	c := s.browserOf(t, s.newPerson(t, auth.RoleCandidate, ""))
	p := s.postForm(t, c, "/candidat/fiche", "", recordForm())
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "Formulaire expiré") {
		t.Errorf("no CSRF token: %d", p.status)
	}
	// Pages needing the record ask to create it first.
	for _, path := range []string{"/candidat/dossier", "/candidat/resultats"} {
		if p := get(t, c, s.srv.URL+path); p.status != 200 || !strings.Contains(p.body, "Commencez par votre fiche candidat") {
			t.Errorf("%s without a record: %d", path, p.status)
		}
	}
}

// requestIDOf returns the request_id of a creation form.
func requestIDOf(t testing.TB, body string) string {
	t.Helper()
	const marker = `name="request_id" value="`
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatal("the form has no request_id")
	}
	rest := body[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}
