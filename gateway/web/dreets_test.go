package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
)

// The DREETS officer's screens against the four real services: the
// sessions are played through their gRPC APIs (dreets_backend_test.go),
// the screens through the web application with the officer's token.

var (
	dreetsSessionRow = regexp.MustCompile(`data-session="([^"]+)"`)
	nextLink         = regexp.MustCompile(`href="([^"]+)" rel="next"`)
	candidateAt      = regexp.MustCompile(`data-candidate="([^"]+)"`)
)

func postForm(t testing.TB, c *http.Client, u string, form url.Values) page {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

// listAll reads every page of a list of results from path and returns the
// session ids, and the number of rows of the first page.
func listAll(t testing.TB, c *http.Client, base, path string) (ids []string, first int) {
	t.Helper()
	for i := 0; path != ""; i++ {
		if i > 100 {
			t.Fatal("more than 100 pages")
		}
		p := get(t, c, base+path)
		if p.status != http.StatusOK {
			t.Fatalf("GET %s = %d", path, p.status)
		}
		rows := dreetsSessionRow.FindAllStringSubmatch(p.body, -1)
		if i == 0 {
			first = len(rows)
		}
		for _, m := range rows {
			ids = append(ids, m[1])
		}
		path = ""
		if m := nextLink.FindStringSubmatch(p.body); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	return ids, first
}

// contains fails the test for each of wants missing from the page.
func contains(t testing.TB, what string, p page, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(p.body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// showsRefusal checks that the page tells err as describe does.
func showsRefusal(t testing.TB, what string, p page, err error) {
	t.Helper()
	m := describe(err)
	contains(t, what, p, html.EscapeString(m.Title), html.EscapeString(m.Detail))
	if m.Rule != "" {
		contains(t, what, p, html.EscapeString(m.Rule))
	}
}

func TestDreetsScreens(t *testing.T) {
	t.Parallel()
	b := startBackend(t)
	srv := b.srv
	officer, csrf := b.signedIn(t, ministry, b.token(t, ministry))
	asMinistry := b.as(t, ministry)

	// A session titre where one person obtains every CCP (the titre),
	// another all but CCP2 (a livret) and a third is absent.
	mixed := b.signMinutes(t, []person{
		{Given: "Camille", Birth: "Durand"},
		{Given: "Dominique", Birth: "Martin", NotObtained: []string{"CCP2"}},
		{Given: "Sacha", Birth: "Bernard", Absent: true},
	}, 2)
	got, err := b.cert.GetResult(t.Context(), &certificationv1.GetResultRequest{SessionId: mixed.ID}, asMinistry)
	if err != nil {
		t.Fatal(err)
	}
	hash := got.GetResult().GetMinutesHash()
	resultURL := srv.URL + "/dreets/resultats/" + mixed.ID

	t.Run("the space is the ministry's", func(t *testing.T) {
		if p := get(t, officer, srv.URL+"/dreets"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/dreets/a-valider" {
			t.Errorf("GET /dreets = %d %q; want the list awaiting validation", p.status, p.header.Get("Location"))
		}
		home := get(t, officer, srv.URL+"/")
		contains(t, "the officer's home", home, "Aller à l’espace DREETS",
			`class="fr-nav__link" href="/dreets/a-valider"`, `class="fr-nav__link" href="/dreets/valides"`)
		for _, role := range []auth.Role{auth.RoleCandidate, auth.RoleCentre, auth.RoleJuror, auth.RoleAdmin} {
			p := auth.Principal{Subject: "someone", Roles: []auth.Role{role}, Centre: "CENTRE-69-001"}
			c, _ := b.signedIn(t, p, b.token(t, p))
			for _, path := range []string{"/dreets", "/dreets/a-valider", "/dreets/valides", "/dreets/resultats/" + mixed.ID} {
				if got := get(t, c, srv.URL+path); got.status != http.StatusForbidden || !strings.Contains(got.body, "Accès réservé") {
					t.Errorf("%s: GET %s = %d; want the 403 page", role, path, got.status)
				}
			}
			if strings.Contains(get(t, c, srv.URL+"/").body, `class="fr-nav__link" href="/dreets/a-valider"`) {
				t.Errorf("%s: the menu links to the DREETS space", role)
			}
		}
		if p := get(t, browser(t), srv.URL+"/dreets/a-valider"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/connexion?retour=%2Fdreets%2Fa-valider" {
			t.Errorf("anonymous: %d %q; want the login round trip", p.status, p.header.Get("Location"))
		}
	})

	t.Run("signed minutes awaiting validation, a page at a time", func(t *testing.T) {
		more := b.signMany(t, dreetsResultsPerPage+1)
		ids, first := listAll(t, officer, srv.URL, "/dreets/a-valider")
		if first != dreetsResultsPerPage {
			t.Errorf("first page: %d rows; want %d", first, dreetsResultsPerPage)
		}
		for _, id := range append(more, mixed.ID) {
			if !slices.Contains(ids, id) {
				t.Errorf("session %s missing from the list", id)
			}
		}
		p := get(t, officer, srv.URL+"/dreets/a-valider")
		contains(t, "the list", p, "<caption>Procès-verbaux à valider</caption>", `<th scope="col">Date du jury</th>`,
			`href="/dreets/resultats/`+mixed.ID+`"`, "Technicien(ne) supérieur(e) gestionnaire exploitant(e) de ressources informatiques",
			mixed.Centre, "Session titre", "Page suivante")
		second := get(t, officer, srv.URL+html.UnescapeString(nextLink.FindStringSubmatch(p.body)[1]))
		contains(t, "the second page", second, "Première page", "<caption>Procès-verbaux à valider (suite)</caption>")
	})

	t.Run("page links are bounded and checked", func(t *testing.T) {
		p := get(t, officer, srv.URL+"/dreets/a-valider?page="+strings.Repeat("A", maxPageToken+1))
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, "Lien de page invalide") {
			t.Errorf("a too long token: %d", p.status)
		}
		_, err := b.cert.ListResults(t.Context(), &certificationv1.ListResultsRequest{PageToken: "pas-un-jeton",
			State: certificationv1.ResultState_RESULT_STATE_AWAITING_VALIDATION}, asMinistry)
		p = get(t, officer, srv.URL+"/dreets/valides?page=pas-un-jeton")
		if err == nil || p.status != http.StatusBadRequest {
			t.Fatalf("a forged token: %d (service: %v)", p.status, err)
		}
		showsRefusal(t, "a forged token", p, err)
		contains(t, "a forged token", p, `href="/dreets/valides"`)
		for _, id := range []string{"x.y", strings.Repeat("a", maxSessionID+1)} {
			if p := get(t, officer, srv.URL+"/dreets/resultats/"+id); p.status != http.StatusNotFound {
				t.Errorf("session id %q: %d; want 404", id, p.status)
			}
		}
	})

	t.Run("the minutes, every decision, the signatures and the hash", func(t *testing.T) {
		p := get(t, officer, resultURL)
		if p.status != http.StatusOK {
			t.Fatalf("result page: %d", p.status)
		}
		contains(t, "the result page", p, "En attente de validation", "Procès-verbal du jury du ",
			"Camille Durand", "Dominique Martin", "Sacha Bernard", "12 mars 1994",
			"Tous les CCP obtenus", "Réussite partielle", "Absence à la session",
			">Décisions pour Dominique Martin</caption>", motivation,
			html.EscapeString("CCP2 — "+ccpLabel(b.ref, "CCP2")), "Non obtenu", "Obtenu",
			"Juré 1", "Juré 2", mixed.Jurors[0].Subject, mixed.Centre,
			`id="empreinte-pv">`+hash+"<", `name="empreinte" value="`+hash+`"`,
			`action="/dreets/resultats/`+mixed.ID+`"`, `name="_csrf"`, "Valider le procès-verbal")
		if n := strings.Count(p.body, "Identique à celle du procès-verbal"); n != 2 {
			t.Errorf("%d signatures match the minutes' hash; want 2", n)
		}
		if n := strings.Count(p.body, "data-ccp="); n != 6 {
			t.Errorf("%d CCP decisions; want 3 for each of the two present people", n)
		}
		if strings.Contains(p.body, "Attribution") {
			t.Error("awards shown before validation")
		}
	})

	t.Run("validating needs the confirmation and the hash read", func(t *testing.T) {
		p := postForm(t, officer, resultURL, url.Values{CSRFField: {csrf}, "empreinte": {hash}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("without confirmation: %d", p.status)
		}
		contains(t, "without confirmation", p, "<title>Erreur : ", `href="#confirmation"`, `aria-invalid="true"`,
			`aria-describedby="confirmation-messages"`, "Cochez la case")

		p = postForm(t, officer, resultURL, url.Values{CSRFField: {csrf}, "empreinte": {"abc"}, "confirmation": {"oui"}})
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, "Formulaire incomplet") {
			t.Errorf("without a hash: %d", p.status)
		}

		// Minutes other than those on the screen: the service refuses.
		other := strings.Repeat("0", hashLength)
		_, want := b.cert.ValidateResult(t.Context(), &certificationv1.ValidateResultRequest{SessionId: mixed.ID, MinutesHash: other}, asMinistry)
		if refusalReason(want) != "MINUTES_HASH_MISMATCH" {
			t.Fatalf("service: %v; want MINUTES_HASH_MISMATCH", want)
		}
		p = postForm(t, officer, resultURL, url.Values{CSRFField: {csrf}, "empreinte": {other}, "confirmation": {"oui"}})
		if p.status != http.StatusBadRequest {
			t.Errorf("another hash: %d", p.status)
		}
		showsRefusal(t, "another hash", p, want)
		contains(t, "another hash", p, `id="refus"`, "Recharger le procès-verbal", "En attente de validation")

		res, err := b.cert.GetResult(t.Context(), &certificationv1.GetResultRequest{SessionId: mixed.ID}, asMinistry)
		if err != nil || res.GetResult().GetState() != certificationv1.ResultState_RESULT_STATE_AWAITING_VALIDATION {
			t.Fatalf("after the refusals: %v, %v; want still awaiting", res.GetResult().GetState(), err)
		}
	})

	t.Run("validating awards the titre and the livret", func(t *testing.T) {
		p := postForm(t, officer, resultURL, url.Values{CSRFField: {csrf}, "empreinte": {hash}, "confirmation": {"oui"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/dreets/resultats/"+mixed.ID+"?valide=1" {
			t.Fatalf("validate: %d %q", p.status, p.header.Get("Location"))
		}
		p = get(t, officer, resultURL+"?valide=1")
		contains(t, "the validated result", p, "Procès-verbal validé", `id="etat">Validé<`, ministry.Subject,
			"Camille Durand", "Dominique Martin", "Sacha Bernard", "12 mars 1994",
			"inscrits à son parcours : CCP1, CCP2, CCP3.", "inscrits à son parcours : CCP1, CCP3.",
			"Aucune attribution : aucun CCP n’a été obtenu.")
		if strings.Contains(p.body, `id="formulaire-validation"`) {
			t.Error("the validation form is still shown")
		}
		wantKinds := map[string]string{mixed.Candidates[0]: "Titre professionnel", mixed.Candidates[1]: "Livret de certification"}
		for candidate, kind := range wantKinds {
			certs := certificatesOf(t, b, candidate)
			if len(certs) != 1 || certs[0].GetSessionId() != mixed.ID {
				t.Fatalf("candidate %s holds %d certificates; want 1 of this session", candidate, len(certs))
			}
			n := certs[0].GetNumber()
			contains(t, "the validated result", p, `data-award="`+n+`">`+kind, `href="`+verifyPath(n)+`"`)
			if v := get(t, officer, srv.URL+"/verifier/"+n); !strings.Contains(v.body, `data-verdict="valide"`) {
				t.Errorf("the verification page of %s does not say valid", n)
			}
		}
		if strings.Contains(get(t, officer, resultURL).body, "Procès-verbal validé") {
			t.Error("the confirmation shows without ?valide=1")
		}
		awaiting, _ := listAll(t, officer, srv.URL, "/dreets/a-valider")
		validated, _ := listAll(t, officer, srv.URL, "/dreets/valides")
		if slices.Contains(awaiting, mixed.ID) || !slices.Contains(validated, mixed.ID) {
			t.Errorf("after validation: in awaiting %v, in validated %v", slices.Contains(awaiting, mixed.ID), slices.Contains(validated, mixed.ID))
		}
		contains(t, "the validated list", get(t, officer, srv.URL+"/dreets/valides"), "<caption>Résultats validés</caption>", "Validé le")
	})

	t.Run("a second validation is refused and awards nothing", func(t *testing.T) {
		_, want := b.cert.ValidateResult(t.Context(), &certificationv1.ValidateResultRequest{SessionId: mixed.ID, MinutesHash: hash}, asMinistry)
		if refusalReason(want) != "RESULTS_ALREADY_VALIDATED" {
			t.Fatalf("service: %v; want RESULTS_ALREADY_VALIDATED", want)
		}
		p := postForm(t, officer, resultURL, url.Values{CSRFField: {csrf}, "empreinte": {hash}, "confirmation": {"oui"}})
		if p.status != http.StatusBadRequest {
			t.Errorf("second validation: %d", p.status)
		}
		showsRefusal(t, "second validation", p, want)
		contains(t, "second validation", p, `id="refus"`, `id="etat">Validé<`, "data-award=")
		if n := len(certificatesOf(t, b, mixed.Candidates[0])); n != 1 {
			t.Errorf("%d certificates after a second validation; want 1", n)
		}
	})

	t.Run("minutes not signed by the whole jury", func(t *testing.T) {
		half := b.signMinutes(t, []person{{Given: "Noa", Birth: "Petit", Absent: true}}, 1)
		u := srv.URL + "/dreets/resultats/" + half.ID
		_, notFound := b.cert.GetResult(t.Context(), &certificationv1.GetResultRequest{SessionId: half.ID}, asMinistry)
		p := get(t, officer, u)
		if p.status != http.StatusNotFound || refusalReason(notFound) != "RESULT_NOT_FOUND" {
			t.Errorf("GET: %d (service: %v)", p.status, notFound)
		}
		showsRefusal(t, "GET", p, notFound)
		contains(t, "GET", p, `href="/dreets/a-valider"`)

		_, want := b.cert.ValidateResult(t.Context(), &certificationv1.ValidateResultRequest{SessionId: half.ID, MinutesHash: hash}, asMinistry)
		if refusalReason(want) != "MINUTES_NOT_SIGNED" {
			t.Fatalf("service: %v; want MINUTES_NOT_SIGNED", want)
		}
		p = postForm(t, officer, u, url.Values{CSRFField: {csrf}, "empreinte": {hash}, "confirmation": {"oui"}})
		if p.status != http.StatusBadRequest {
			t.Errorf("POST: %d", p.status)
		}
		showsRefusal(t, "POST", p, want)
		contains(t, "POST", p, `href="/dreets/a-valider"`)
		if p := get(t, officer, srv.URL+"/dreets/resultats/"+uuid.NewString()); p.status != http.StatusNotFound {
			t.Errorf("an unknown session: %d", p.status)
		}
	})

	t.Run("a token the services refuse goes through the login again", func(t *testing.T) {
		stale, staleCSRF := b.signedIn(t, ministry, "jeton-refuse")
		p := get(t, stale, srv.URL+"/dreets/a-valider")
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/connexion?retour=%2Fdreets%2Fa-valider" {
			t.Errorf("GET: %d %q", p.status, p.header.Get("Location"))
		}
		p = postForm(t, stale, resultURL, url.Values{CSRFField: {staleCSRF}, "empreinte": {hash}, "confirmation": {"oui"}})
		want := "/connexion?" + url.Values{"restaurer": {"1"}, "retour": {"/dreets/resultats/" + mixed.ID}}.Encode()
		if p.status != http.StatusSeeOther || p.header.Get("Location") != want {
			t.Errorf("POST: %d %q; want %q", p.status, p.header.Get("Location"), want)
		}
	})

	t.Run("a large session is shown a page of candidates at a time", func(t *testing.T) {
		people := make([]person, linesPerPage+1)
		for i := range people {
			people[i] = person{Given: "Personne", Birth: "Absente" + string(rune('A'+i%26)), Absent: true}
		}
		big := b.signMinutes(t, people, 2)
		u := srv.URL + "/dreets/resultats/" + big.ID
		p := get(t, officer, u)
		if n := len(candidateAt.FindAllString(p.body, -1)); n != linesPerPage {
			t.Errorf("first page: %d candidates; want %d", n, linesPerPage)
		}
		contains(t, "first page", p, fmt.Sprintf("%d candidatures", linesPerPage+1), fmt.Sprintf("candidatures 1 à %d", linesPerPage),
			"Candidatures suivantes", `name="empreinte"`)
		p = get(t, officer, u+"?candidats=2")
		if n := len(candidateAt.FindAllString(p.body, -1)); n != 1 {
			t.Errorf("second page: %d candidates; want 1", n)
		}
		contains(t, "second page", p, fmt.Sprintf("candidatures %d à %d", linesPerPage+1, linesPerPage+1), "Candidatures précédentes")
		if p := get(t, officer, u+"?candidats=9"); len(candidateAt.FindAllString(p.body, -1)) != linesPerPage {
			t.Error("a page past the end is not the first page")
		}
	})
}

// certificatesOf lists a person's certificates as the ministry.
func certificatesOf(t *testing.T, b *backend, candidateID string) []*certificationv1.Certificate {
	t.Helper()
	resp, err := b.cert.ListCertificates(t.Context(), &certificationv1.ListCertificatesRequest{CandidateId: candidateID}, b.as(t, ministry))
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetCertificates()
}
