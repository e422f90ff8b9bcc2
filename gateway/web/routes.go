package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/titrepro/titrepro/internal/auth"
)

// routes is the table of the application's pages. A screen is one line
// here plus its handler and its template (docs/web.md):
//   - a.public(h): anyone; SessionOf(r) tells whether someone is signed in;
//   - a.signedIn(h): a session is required (else the login round trip),
//     and unsafe methods must carry the CSRF token;
//   - a.forRoles(h, roles...): signedIn, and one of roles, else a 403 page.
//
// Forms post to the URL of the page that shows them, so that a form sent
// after the session expired comes back to that page after login.
func (a *App) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/{version}/{path...}", a.assets)
	mux.HandleFunc("GET /favicon.ico", a.assets.favicon) // asked by browsers whatever the page says
	mux.Handle("GET /{$}", a.public(a.home))
	mux.Handle("GET /verifier", a.public(a.verifyForm))
	mux.Handle("GET /verifier/{number}", a.public(a.verifyNumber))
	mux.Handle("GET /accessibilite", a.public(a.accessibility))
	mux.Handle("GET /connexion", a.public(a.loginStart))
	mux.Handle("GET /auth/callback", a.public(a.loginCallback))
	mux.Handle("POST /deconnexion", a.signedIn(a.logout))
	mux.Handle("GET /compte", a.signedIn(a.account))
	// DREETS officer (role ministry): dreets_*.go.
	mux.Handle("GET /dreets", a.forRoles(a.dreetsHome, auth.RoleMinistry))
	mux.Handle("GET /dreets/a-valider", a.forRoles(a.dreetsAwaiting, auth.RoleMinistry))
	mux.Handle("GET /dreets/valides", a.forRoles(a.dreetsValidated, auth.RoleMinistry))
	mux.Handle("GET /dreets/resultats/{session}", a.forRoles(a.dreetsResult, auth.RoleMinistry))
	mux.Handle("POST /dreets/resultats/{session}", a.forRoles(a.dreetsValidate, auth.RoleMinistry))
	mux.Handle("POST /dreets/resultats/{session}/renvoi", a.forRoles(a.dreetsReturn, auth.RoleMinistry))
	mux.Handle("GET /dreets/registres", a.forRoles(a.dreetsRegisters, auth.RoleMinistry))
	mux.Handle("POST /dreets/registres", a.forRoles(a.dreetsRegistersAction, auth.RoleMinistry))
	mux.Handle("GET /dreets/retraits", a.forRoles(a.dreetsWithdrawals, auth.RoleMinistry))
	mux.Handle("POST /dreets/retraits", a.forRoles(a.dreetsWithdraw, auth.RoleMinistry))
	mux.Handle("GET /dreets/recours", a.forRoles(a.dreetsAppeals, auth.RoleMinistry))
	mux.Handle("POST /dreets/recours", a.forRoles(a.dreetsAppealsAction, auth.RoleMinistry))
	mux.Handle("GET /dreets/sanctions", a.forRoles(a.dreetsSanctions, auth.RoleMinistry, auth.RoleAdmin))
	mux.Handle("POST /dreets/sanctions", a.forRoles(a.dreetsPronounce, auth.RoleMinistry))
	// End of DREETS officer.
	// Centre (exam centre) screens: centre_*.go.
	centre := func(h http.HandlerFunc) http.Handler { return a.forRoles(h, auth.RoleCentre) }
	mux.Handle("GET /centre", centre(a.centreHome))
	mux.Handle("GET /centre/sessions", centre(a.centreSessions))
	mux.Handle("GET /centre/sessions/nouvelle", centre(a.centrePlan))
	mux.Handle("POST /centre/sessions/nouvelle", centre(a.centrePlanCreate))
	mux.Handle("GET /centre/sessions/{id}", centre(a.centreSessionPage))
	mux.Handle("POST /centre/sessions/{id}", centre(a.centreSessionAction))
	mux.Handle("GET /centre/sessions/{id}/jury", centre(a.centreJury))
	mux.Handle("POST /centre/sessions/{id}/jury", centre(a.centreJuryAction))
	mux.Handle("GET /centre/sessions/{id}/candidatures", centre(a.centreCandidacies))
	mux.Handle("POST /centre/sessions/{id}/candidatures", centre(a.centreRegister))
	mux.Handle("POST /centre/sessions/{id}/candidatures/{candidacy}/ecf", centre(a.centreRecordECF))
	mux.Handle("POST /centre/sessions/{id}/candidatures/{candidacy}/amenagement", centre(a.centreRecordAdjustment))
	mux.Handle("POST /centre/sessions/{id}/candidatures/{candidacy}/transfert", centre(a.centreTransfer))
	mux.Handle("POST /centre/sessions/{id}/candidatures/{candidacy}/presence", centre(a.centreRecordAttendance))
	mux.Handle("POST /centre/sessions/{id}/candidatures/{candidacy}/retrait", centre(a.centreWithdraw))
	mux.Handle("POST /centre/sessions/{id}/fraude", centre(a.centreReportFraud))
	mux.Handle("GET /centre/sessions/{id}/suivi", centre(a.centreBoard))
	mux.Handle("GET /centre/sessions/{id}/resultats", centre(a.centreResults))
	mux.Handle("GET /centre/sessions/{id}/resultats/proces-verbal.pdf", centre(a.centreMinutesPdf))
	mux.Handle("GET /centre/sessions/{session}/resultats/{candidacy}/fiche.pdf", centre(a.myResultSheet))
	mux.Handle("GET /centre/candidats", centre(a.centreCandidates))
	mux.Handle("GET /centre/candidats/nouveau", centre(a.centreNewCandidate))
	mux.Handle("POST /centre/candidats/nouveau", centre(a.centreCreateCandidate))
	// End of the centre's screens.
	// Juror: the juror's space under /jury (juror_routes.go).
	a.jurorRoutes(mux)
	// Candidate (candidate_*.go): the person's record, Dossier
	// Professionnel, documents, submission, sessions and results.
	candidate := func(h http.HandlerFunc) http.Handler { return a.forRoles(h, auth.RoleCandidate) }
	mux.Handle("GET /candidat", candidate(a.candidateSpace))
	mux.Handle("GET /candidat/fiche", candidate(a.record))
	mux.Handle("POST /candidat/fiche", candidate(a.saveRecord))
	mux.Handle("GET /candidat/dossier", candidate(a.dossiers))
	mux.Handle("POST /candidat/dossier", candidate(a.createDossier))
	mux.Handle("GET /candidat/dossier/{dossier}", candidate(a.dossier))
	mux.Handle("GET /candidat/dossier/{dossier}/exemple", candidate(a.example))
	mux.Handle("POST /candidat/dossier/{dossier}/exemple", candidate(a.saveExample))
	mux.Handle("GET /candidat/dossier/{dossier}/exemple/{example}", candidate(a.example))
	mux.Handle("POST /candidat/dossier/{dossier}/exemple/{example}", candidate(a.saveExample))
	mux.Handle("GET /candidat/dossier/{dossier}/exemple/{example}/supprimer", candidate(a.confirmDeleteExample))
	mux.Handle("POST /candidat/dossier/{dossier}/exemple/{example}/supprimer", candidate(a.deleteExample))
	mux.Handle("GET /candidat/dossier/{dossier}/diplomes", candidate(a.qualifications))
	mux.Handle("POST /candidat/dossier/{dossier}/diplomes", candidate(a.saveQualifications))
	mux.Handle("GET /candidat/dossier/{dossier}/declaration", candidate(a.swornStatement))
	mux.Handle("POST /candidat/dossier/{dossier}/declaration", candidate(a.saveSwornStatement))
	mux.Handle("GET /candidat/dossier/{dossier}/documents", candidate(a.documents))
	mux.Handle(CandidateUploadRoute, candidate(a.uploadDocument))
	mux.Handle("GET /candidat/dossier/{dossier}/documents/{document}", candidate(a.downloadDocument))
	mux.Handle("GET /candidat/dossier/{dossier}/documents/{document}/supprimer", candidate(a.confirmDeleteDocument))
	mux.Handle("POST /candidat/dossier/{dossier}/documents/{document}/supprimer", candidate(a.deleteDocument))
	mux.Handle("GET /candidat/dossier/{dossier}/depot", candidate(a.submission))
	mux.Handle("POST /candidat/dossier/{dossier}/depot", candidate(a.submit))
	mux.Handle("GET /candidat/dossier/{dossier}/depots/{snapshot}", candidate(a.receipt))
	mux.Handle("GET /candidat/sessions", candidate(a.mySessions))
	mux.Handle("POST /candidat/sessions/{session}/candidatures/{candidacy}/retrait", candidate(a.withdrawMine))
	mux.Handle("GET /candidat/resultats", candidate(a.myResults))
	mux.Handle("GET /candidat/resultats/{session}/{candidacy}/fiche.pdf", candidate(a.myResultSheet))
	mux.Handle("GET /candidat/certificats/{number}/parchemin.pdf", candidate(a.myParchment))
	mux.Handle("GET /candidat/certificats/{number}/attestations.json", candidate(a.myCredentials))
	// End of candidate.
	// Everything else: the French 404 page (405 for a known path is not
	// worth telling people apart from 404).
	mux.Handle("/", a.public(a.notFound))

	// Cross-origin unsafe requests are refused before any handler (csrf.go).
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.renderError(w, withSession(r, a.readSession(r)), http.StatusForbidden, errorPage{
			Title:  "Demande refusée",
			Detail: "Cette demande ne vient pas d’une page de titrepro : elle a été refusée par précaution. Revenez à la page et envoyez le formulaire à nouveau.",
		})
	}))
	return a.securityHeaders(cop.Handler(mux))
}

// public runs h with the session, if any, in the request.
func (a *App) public(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, withSession(r, a.readSession(r)))
	})
}

// signedIn runs h for a signed-in user whose unsafe request carries a valid
// CSRF token. Without a session (never signed in, or expired), a GET goes
// through the login round trip and comes back; a POST too, back to the page
// of the form, whose fields the page's script saved and restores (forms.js).
func (a *App) signedIn(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := a.readSession(r)
		if s == nil {
			a.askLogin(w, r)
			return
		}
		r = withSession(r, s)
		if !safeMethod(r.Method) && !validCSRF(s.CSRFSecret, requestCSRF(r)) {
			a.renderError(w, r, http.StatusForbidden, errorPage{
				Title:  "Formulaire expiré",
				Detail: "Ce formulaire n’est plus valable (il a été ouvert avant votre dernière connexion, ou dans une autre session). Revenez à la page, vérifiez vos saisies et envoyez-le à nouveau.",
			})
			return
		}
		h(w, r)
	})
}

// forRoles is signedIn for the users holding one of roles; the others get a
// 403 page. The services check again, per resource: this only spares people
// a page they cannot use.
func (a *App) forRoles(h http.HandlerFunc, roles ...auth.Role) http.Handler {
	return a.signedIn(func(w http.ResponseWriter, r *http.Request) {
		if !SessionOf(r).HasAny(roles...) {
			a.renderError(w, r, http.StatusForbidden, errorPage{
				Title:  "Accès réservé",
				Detail: "Cette page est réservée à d’autres profils que le vôtre.",
			})
			return
		}
		h(w, r)
	})
}

// askLogin sends the user through the login round trip and back to where
// they were: the page for a GET, the page of the form for a POST (with the
// restore flag, so that the form's script puts the saved fields back).
func (a *App) askLogin(w http.ResponseWriter, r *http.Request) {
	a.clearSession(w)
	q := url.Values{}
	if safeMethod(r.Method) {
		q.Set("retour", r.URL.RequestURI())
	} else {
		q.Set("retour", r.URL.Path)
		q.Set("restaurer", "1")
	}
	if local, ok := localPath(q.Get("retour")); ok {
		q.Set("retour", local)
	} else {
		q.Del("retour")
	}
	http.Redirect(w, r, "/connexion?"+q.Encode(), http.StatusSeeOther)
}

// localPath returns p when it is a path of this site (an absolute path,
// not "//host" nor "/\host", which browsers take for another site), so
// that a "retour" parameter can never send someone elsewhere.
func localPath(p string) (string, bool) {
	if p == "" || len(p) > 1024 || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\x00\r\n\t") {
		return "", false
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "", false
	}
	return p, true
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// securityHeaders sets the headers of every answer of the application:
// only this site's scripts, styles and images; no framing; no referrer to
// other sites; forms may post here and to the issuer (the logout redirect).
func (a *App) securityHeaders(next http.Handler) http.Handler {
	formAction := "'self'"
	if a.cfg.IssuerURL != "" {
		if u, err := url.Parse(a.cfg.IssuerURL); err == nil && u.Host != "" {
			formAction += " " + u.Scheme + "://" + u.Host
		}
	}
	csp := "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action " + formAction
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
