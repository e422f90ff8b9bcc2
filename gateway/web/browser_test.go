package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/gateway/web/browsertest"
)

// formFixture is a page with every kind of field, loading the
// application's forms.js from its real asset URL; its form posts to a
// handler behind the application's real signedIn check.
const formFixture = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Essai — titrepro</title>
<script defer src="%s"></script></head><body><main>
<h1>Essai</h1>
<form method="post" action="/essai" id="essai">
<input type="hidden" name="_csrf" value="jeton-de-la-page">
<label for="nom">Nom</label><input id="nom" name="nom">
<label for="motif">Motif</label><textarea id="motif" name="motif"></textarea>
<label for="niveau">Niveau</label><select id="niveau" name="niveau"><option value="">—</option><option value="4">4</option><option value="5">5</option></select>
<fieldset><legend>Décision</legend>
<input type="radio" id="acquis" name="decision" value="acquis"><label for="acquis">Acquis</label>
<input type="radio" id="non-acquis" name="decision" value="non-acquis"><label for="non-acquis">Non acquis</label></fieldset>
<input type="checkbox" id="atteste" name="atteste" value="oui"><label for="atteste">J’atteste</label>
<label for="secret">Mot de passe</label><input type="password" id="secret" name="secret">
<button type="submit">Envoyer</button>
</form></main></body></html>`

// TestBrowserFormKeptAcrossAnExpiredSession sends a form without a valid
// session in Chromium: the application sends the browser to the login with
// the restore flag, and back on the page with ?restaurer=1 (what the login
// callback does, login_test.go) forms.js puts every field back but the
// password and the token, says so, and cleans the address; a later visit
// starts empty.
func TestBrowserFormKeptAcrossAnExpiredSession(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	app, _ := newTestApp(t, Config{}, nil)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /essai", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, formFixture, app.assets.URL("js/forms.js"))
	})
	mux.Handle("POST /essai", app.signedIn(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "envoyé") }))
	mux.Handle("/", app)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	tab := b.NewTab(t)
	tab.Open(srv.URL + "/essai")
	tab.Fill("Nom", "Camille Durand")
	tab.Fill("Motif", "Compétence démontrée\nsur deux épreuves")
	tab.Eval(`document.getElementById("niveau").value = "5"`, nil)
	tab.Choose("Non acquis")
	tab.Choose("J’atteste")
	tab.Fill("Mot de passe", "ne-pas-garder")
	tab.Follow("Envoyer")
	if u := tab.URL(); !strings.Contains(u, "/connexion?") || !strings.Contains(u, "restaurer=1") || !strings.Contains(u, "retour=%2Fessai") {
		t.Fatalf("a form sent without a session led to %s; want the login with retour=/essai and restaurer=1", u)
	}

	tab.Open(srv.URL + "/essai?restaurer=1")
	var got map[string]any
	tab.Eval(`({nom: nom.value, motif: motif.value, niveau: niveau.value, nonAcquis: document.getElementById("non-acquis").checked,
  acquis: acquis.checked, atteste: atteste.checked, secret: secret.value,
  csrf: document.querySelector("[name=_csrf]").value, notice: !!document.querySelector("[data-restored]"), search: location.search})`, &got)
	want := map[string]any{"nom": "Camille Durand", "motif": "Compétence démontrée\nsur deux épreuves", "niveau": "5",
		"nonAcquis": true, "acquis": false, "atteste": true, "secret": "", "csrf": "jeton-de-la-page", "notice": true, "search": ""}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("after the login round trip, %s = %#v; want %#v", k, got[k], w)
		}
	}
	tab.Check("formulaire-restaure")

	tab.Open(srv.URL + "/essai?restaurer=1")
	if v := tab.String("nom.value"); v != "" {
		t.Errorf("restored twice: nom = %q", v)
	}
	// A form sent with a valid session goes through, and the saved copy
	// is dropped on the next visit.
	value, err := app.cookies.seal(sessionPurpose, Session{Subject: "s", AccessToken: "t", Expiry: time.Now().Add(time.Hour), CSRFSecret: newCSRFSecret()})
	if err != nil {
		t.Fatal(err)
	}
	tab.Eval(fmt.Sprintf(`document.cookie = %q`, sessionCookiePlain+"="+value+"; path=/"), nil)
	tab.Open(srv.URL + "/essai")
	tab.Fill("Nom", "Autre")
	tab.Eval(`document.querySelector("[name=_csrf]").value = `+jsQuote(csrfTokenFor(t, value, app)), nil)
	if status := tab.Follow("Envoyer"); status != 200 || !strings.Contains(tab.MainText(), "envoyé") {
		t.Fatalf("form with a session = %d %q", status, tab.MainText())
	}
	tab.Open(srv.URL + "/essai")
	var left int
	tab.Eval(`Object.keys(sessionStorage).filter(k => k.startsWith("titrepro:formulaire:")).length`, &left)
	if left != 0 {
		t.Errorf("%d saved forms left in sessionStorage after a visit without the flag", left)
	}
}

// csrfTokenFor returns a token of the session sealed in value.
func csrfTokenFor(t *testing.T, value string, app *App) string {
	var s Session
	if err := app.cookies.open(sessionPurpose, value, &s); err != nil {
		t.Fatal(err)
	}
	return csrfToken(s.CSRFSecret)
}

func jsQuote(s string) string { return fmt.Sprintf("%q", s) }
