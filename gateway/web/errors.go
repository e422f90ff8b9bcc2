package web

import (
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// errorPage is the content of the error page (templates/pages/error.html).
type errorPage struct {
	Title  string            // what happened, short
	Detail string            // what it means and what to do
	Rule   string            // the rule that refused, when a service named one
	Fields map[string]string // field → what is wrong with it
	Reason string            // the API's reason code, for support
	Link   *link             // the way out, when there is a better one than home
}

type link struct{ Label, Href string }

const internalErrorDetail = "Une erreur inattendue s’est produite de notre côté. Réessayez dans quelques instants ; si elle persiste, contactez l’assistance."

// renderError writes the error page with status.
func (a *App) renderError(w http.ResponseWriter, r *http.Request, status int, e errorPage) {
	a.render(w, r, status, "error", Page{Title: e.Title, Data: e})
}

// serverError logs err and shows the generic error page: internal text
// never reaches a page.
func (a *App) serverError(w http.ResponseWriter, r *http.Request, err error) {
	a.log.ErrorContext(r.Context(), "web: request failed", "path", r.URL.Path, "err", err)
	a.renderError(w, r, http.StatusInternalServerError, errorPage{Title: "Erreur du serveur", Detail: internalErrorDetail})
}

// notFound is the French 404 page.
func (a *App) notFound(w http.ResponseWriter, r *http.Request) {
	a.renderError(w, r, http.StatusNotFound, errorPage{
		Title:  "Page introuvable",
		Detail: "La page que vous cherchez n’existe pas ou a été déplacée. Vérifiez l’adresse, ou repartez de la page d’accueil.",
	})
}

// fail shows the answer of a service that refused or failed: a session
// the service no longer accepts goes through the login round trip again
// (keeping the form, see askLogin); anything else is the error page with
// the HTTP status of the gRPC code and the refusal in French.
// failsThePage reports whether err is one a person cannot act on from the
// form they sent (no session, an internal error, a service unavailable or
// too slow): fail answers it, rather than the page with the refusal.
func failsThePage(err error) bool {
	switch status.Code(err) {
	case codes.Unauthenticated, codes.Internal, codes.Unknown, codes.DataLoss, codes.Unavailable, codes.DeadlineExceeded:
		return true
	}
	return false
}

func (a *App) fail(w http.ResponseWriter, r *http.Request, err error) {
	st, ok := status.FromError(err)
	if !ok {
		a.serverError(w, r, err)
		return
	}
	switch st.Code() {
	case codes.Unauthenticated:
		a.askLogin(w, r)
		return
	case codes.Internal, codes.Unknown, codes.DataLoss:
		a.serverError(w, r, err)
		return
	case codes.Unavailable, codes.DeadlineExceeded:
		a.log.WarnContext(r.Context(), "web: service unavailable", "path", r.URL.Path, "err", err)
	}
	m := describe(err)
	a.renderError(w, r, runtime.HTTPStatusFromCode(st.Code()), errorPage{Title: m.Title, Detail: m.Detail, Rule: m.Rule, Fields: m.Fields, Reason: m.Reason})
}
