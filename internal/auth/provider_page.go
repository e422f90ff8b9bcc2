package auth

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
)

// The pages of the development provider are self-contained: one HTML
// template and one stylesheet inlined in each page, in the look of the
// French State design system (DSFR) with a system font stack, so that the
// provider needs no route but its own.
//
//go:embed devlogin/page.html devlogin/page.css
var devloginFS embed.FS

var (
	pageCSS   = mustReadPageFile("devlogin/page.css")
	pageTmpls = template.Must(template.ParseFS(devloginFS, "devlogin/page.html"))
	// pageCSP allows the inline stylesheet by its hash and nothing else:
	// no script, no frame, no base change.
	pageCSP = "default-src 'none'; style-src 'sha256-" + cssHash(pageCSS) + "'; base-uri 'none'; frame-ancestors 'none'"
)

func mustReadPageFile(name string) string {
	b, err := devloginFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func cssHash(css string) string {
	sum := sha256.Sum256([]byte(css))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// roleChoice is one role offered by the login page.
type roleChoice struct {
	Value Role
	Label string
	Hint  string
}

// roleChoices are the roles in the order of the jury workflow.
var roleChoices = []roleChoice{
	{RoleCandidate, "Candidat·e", "Rédige son dossier professionnel, le soumet pour une session, consulte ses résultats."},
	{RoleCentre, "Centre d’examen", "Planifie les sessions, compose les jurys, inscrit les candidat·es."},
	{RoleJuror, "Juré·e", "Évalue les candidat·es, délibère et signe le procès-verbal."},
	{RoleMinistry, "Agent DREETS", "Valide les procès-verbaux signés ; les titres et livrets suivent."},
	{RoleAdmin, "Administration", "Consulte tout, ne modifie rien."},
}

// pageData is what every page template reads.
type pageData struct {
	Title   string
	CSS     template.CSS
	Roles   []roleChoice
	Form    loginForm
	Message string
}

func (p *DevProvider) renderLogin(w http.ResponseWriter, status int, form loginForm) {
	title := "Connexion"
	if form.RoleError != "" || form.SubjectError != "" || form.CentreError != "" {
		title = "Erreur — Connexion"
	}
	renderPage(w, status, "login", pageData{Title: title, Roles: roleChoices, Form: form})
}

func (p *DevProvider) renderError(w http.ResponseWriter, status int, message string) {
	renderPage(w, status, "error", pageData{Title: "Connexion impossible", Message: message})
}

// renderPage writes a page with the headers every page of the provider
// gets: never cached (each carries one login's parameters), never framed.
func renderPage(w http.ResponseWriter, status int, name string, data pageData) {
	data.CSS = template.CSS(pageCSS) // the provider's own stylesheet, not input
	var buf bytes.Buffer
	if err := pageTmpls.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "page rendering failed", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Frame-Options", "DENY")
	// Same-origin: the form's POST keeps its Origin, which
	// http.CrossOriginProtection reads when Sec-Fetch-Site is absent.
	h.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
