package browsertest

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Two people of one browser do not share cookies: what one's login set,
// the other's requests do not carry.
func TestPeopleHaveTheirOwnCookies(t *testing.T) {
	b := Start(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /entrer", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "qui", Value: r.URL.Query().Get("nom"), Path: "/"})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><html lang="fr"><title>x</title><main>entré</main></html>`))
	})
	mux.HandleFunc("GET /qui", func(w http.ResponseWriter, r *http.Request) {
		name := "personne"
		if c, err := r.Cookie("qui"); err == nil {
			name = c.Value
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><html lang="fr"><title>x</title><main>` + name + `</main></html>`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	alice, bruno := b.NewPerson(t), b.NewPerson(t)
	alice.Open(srv.URL + "/entrer?nom=alice")
	if got := bruno.Open(srv.URL + "/qui"); got != http.StatusOK || bruno.MainText() != "personne" {
		t.Errorf("the second person's request carries %q; want no cookie", bruno.MainText())
	}
	bruno.Open(srv.URL + "/entrer?nom=bruno")
	alice.Open(srv.URL + "/qui")
	if got := alice.MainText(); got != "alice" {
		t.Errorf("the first person is %q; want alice", got)
	}
}
