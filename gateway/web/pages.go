package web

import (
	"net/http"
)

// home (GET /) explains titrepro and sends each role to its space.
func (a *App) home(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "home", Page{
		Title: "Accueil",
		Data:  struct{ Spaces []space }{spaces},
	})
}

// account (GET /compte) shows who is signed in, as the token says.
func (a *App) account(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "account", Page{Title: "Mon compte"})
}

// accessibility (GET /accessibilite) is the accessibility statement the
// footer links to, as French public services must publish.
func (a *App) accessibility(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "accessibility", Page{Title: "Déclaration d’accessibilité"})
}
