package web

import (
	"net/http"

	"github.com/titrepro/titrepro/internal/auth"
)

// jurorRoutes adds the juror's space, under /jury:
//
//	GET   /jury                                                my sessions
//	GET   /jury/sessions/{session}                             a session: its candidacies, where each stands, my links
//	POST  /jury/sessions/{session}/liens                       declare my links (R21)
//	POST  /jury/sessions/{session}/fraude                      file a fraud report (R57)
//	GET   /jury/sessions/{session}/candidatures/{candidacy}    the frozen dossier (snapshot) and its documents
//	GET   /jury/sessions/{session}/candidatures/{candidacy}/grille         my scoring grid
//	POST  /jury/sessions/{session}/candidatures/{candidacy}/grille         save it (without script)
//	PATCH /jury/sessions/{session}/candidatures/{candidacy}/grille         autosave (script, JSON answer)
//	GET   /jury/sessions/{session}/candidatures/{candidacy}/deliberation   the jury's decision per CCP
//	POST  /jury/sessions/{session}/candidatures/{candidacy}/deliberation   record it
//	GET   /jury/sessions/{session}/proces-verbal               the minutes to review
//	POST  /jury/sessions/{session}/proces-verbal               sign them
//	GET   /jury/dossiers/{dossier}/instantanes/{snapshot}/documents/{document}  a document's content
//	GET   /jury/charte                                         the charte de déontologie (R23)
//	POST  /jury/charte                                         accept it
//
// Only jurors reach these pages; the assessment and portfolio services
// decide, per session and candidacy, what each juror may read and do.
func (a *App) jurorRoutes(mux *http.ServeMux) {
	juror := func(h http.HandlerFunc) http.Handler { return a.forRoles(h, auth.RoleJuror) }
	const candidacy = "/jury/sessions/{session}/candidatures/{candidacy}"
	mux.Handle("GET /jury", juror(a.jurorSessions))
	mux.Handle("GET /jury/sessions/{session}", juror(a.jurorSession))
	mux.Handle("POST /jury/sessions/{session}/liens", juror(a.jurorDeclareLinks))
	mux.Handle("POST /jury/sessions/{session}/fraude", juror(a.jurorReportFraud))
	mux.Handle("GET "+candidacy, juror(a.jurorDossier))
	mux.Handle("GET "+candidacy+"/grille", juror(a.jurorGrid))
	mux.Handle("POST "+candidacy+"/grille", juror(a.jurorGridSave))
	mux.Handle("PATCH "+candidacy+"/grille", juror(a.jurorGridAutosave))
	mux.Handle("GET "+candidacy+"/deliberation", juror(a.jurorDeliberation))
	mux.Handle("POST "+candidacy+"/deliberation", juror(a.jurorDeliberate))
	mux.Handle("GET /jury/sessions/{session}/proces-verbal", juror(a.jurorMinutes))
	mux.Handle("POST /jury/sessions/{session}/proces-verbal", juror(a.jurorSign))
	mux.Handle("GET /jury/dossiers/{dossier}/instantanes/{snapshot}/documents/{document}", juror(a.jurorDocument))
	mux.Handle("GET /jury/charte", juror(a.jurorCharter))
	mux.Handle("POST /jury/charte", juror(a.jurorAcceptCharter))
}

// juryValidID reports whether s may be a record's identifier in a path: the
// services' ids are UUIDs; anything else is answered 404 without a call.
func juryValidID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') && c != '-' {
			return false
		}
	}
	return true
}
