package web

import (
	"context"
	"net/http"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// The charte de déontologie (GET and POST /jury/charte): every juror
// accepts it before a centre may name them on a jury (R23). The page shows
// the juror's commitments and, until they accept the current version, a
// form to accept it.

// jurorCharterData is the charte page's data.
type jurorCharterData struct {
	Version    string    // the current version of the charte
	AcceptedAt time.Time // the acceptance; zero while not accepted
	Done       bool      // the juror has just accepted it
}

// jurorCharterState reads where the caller stands with the charte.
func (a *App) jurorCharterState(ctx context.Context) (jurorCharterData, error) {
	resp, err := a.svc.certification.GetJurorCharter(ctx, &certificationv1.GetJurorCharterRequest{JurorSubject: "me"})
	if err != nil {
		return jurorCharterData{}, err
	}
	d := jurorCharterData{Version: resp.GetCurrentVersion()}
	if acc := resp.GetAcceptance(); acc != nil {
		d.AcceptedAt = acc.GetAcceptTime().AsTime()
	}
	return d, nil
}

// jurorCharter (GET /jury/charte) shows the charte and whether the juror
// accepted it.
func (a *App) jurorCharter(w http.ResponseWriter, r *http.Request) {
	a.jurorShowCharter(w, r, http.StatusOK, nil)
}

func (a *App) jurorShowCharter(w http.ResponseWriter, r *http.Request, code int, errs []Field) {
	ctx, cancel := callContext(r)
	defer cancel()
	data, err := a.jurorCharterState(ctx)
	if err != nil {
		a.jurorFail(w, r, err, &link{Label: "Mes sessions", Href: "/jury"})
		return
	}
	data.Done = r.URL.Query().Get("acceptee") == "1" && !data.AcceptedAt.IsZero()
	a.render(w, r, code, "juror_charter", Page{Title: "Charte de déontologie des jurys", Errors: errs, Data: data})
}

// jurorAcceptCharter (POST /jury/charte) records the acceptance of the
// version the page showed.
func (a *App) jurorAcceptCharter(w http.ResponseWriter, r *http.Request) {
	if r.PostFormValue("lu") != "1" {
		a.jurorShowCharter(w, r, http.StatusUnprocessableEntity, []Field{{ID: "lu",
			Message: "Cochez la case pour confirmer que vous avez lu la charte et que vous vous engagez à la respecter."}})
		return
	}
	version := r.PostFormValue("version")
	if len(version) > 32 {
		version = ""
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.certification.AcceptCharter(ctx, &certificationv1.AcceptCharterRequest{JurorSubject: "me", CharterVersion: version})
	if st, ok := status.FromError(err); ok && st.Code() == codes.FailedPrecondition {
		// CHARTER_VERSION_NOT_CURRENT: the charte changed while the page
		// was open; show the current one.
		a.jurorShowCharter(w, r, http.StatusConflict, []Field{{ID: "lu",
			Message: "La charte a changé depuis l’ouverture de la page : relisez la version actuelle, puis acceptez-la."}})
		return
	}
	if err != nil {
		a.jurorFail(w, r, err, &link{Label: "Charte de déontologie", Href: "/jury/charte"})
		return
	}
	http.Redirect(w, r, "/jury/charte?acceptee=1", http.StatusSeeOther)
}
