package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// The DREETS officer's space (role "ministry"): the sessions' signed
// minutes awaiting validation, each result with its decisions and
// signatures, the validation (R51) and the awards that followed. Every
// page reads the certification service with the officer's token; the
// service alone decides who may read or validate (docs/authorisation.md).

const (
	// dreetsResultsPerPage is the page size of the lists of results.
	dreetsResultsPerPage = 20
	// maxPageToken bounds a page token taken from a URL; the service's
	// tokens are far shorter.
	maxPageToken = 1024
)

// resultsList is the data of a list of results (dreets_results.html).
type resultsList struct {
	Validated bool // the list of validated results, else those awaiting validation
	Rows      []resultRow
	NextHref  string // the next page, "" on the last one
	FirstHref string // the first page, "" when this is it
}

// resultRow is one session's result in a list.
type resultRow struct {
	Href         string
	SessionID    string
	Title        string // the title's wording, or its code when unknown
	TitleCode    string
	TitleVersion string
	Type         string
	Centre       string
	JuryDate     string // "YYYY-MM-DD"
	Candidates   int
	Signed       time.Time
	Received     time.Time
	Validated    time.Time
	ValidatedBy  string
}

// dreetsHome (GET /dreets) is the space's address: its first screen, the
// minutes awaiting validation, has its own path so that the navigation
// marks each list, not both, as the current page.
func (a *App) dreetsHome(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/dreets/a-valider", http.StatusSeeOther)
}

// dreetsAwaiting (GET /dreets/a-valider) lists the signed minutes awaiting validation.
func (a *App) dreetsAwaiting(w http.ResponseWriter, r *http.Request) {
	a.dreetsList(w, r, false)
}

// dreetsValidated (GET /dreets/valides) lists the validated results.
func (a *App) dreetsValidated(w http.ResponseWriter, r *http.Request) {
	a.dreetsList(w, r, true)
}

// dreetsList shows one page of results in one state. The page is the
// service's page token in ?page=, so that the list is read forward only,
// as the API pages it, whatever number of results there are.
func (a *App) dreetsList(w http.ResponseWriter, r *http.Request, validated bool) {
	base, state, title := "/dreets/a-valider", certificationv1.ResultState_RESULT_STATE_AWAITING_VALIDATION, "Procès-verbaux à valider"
	if validated {
		base, state, title = "/dreets/valides", certificationv1.ResultState_RESULT_STATE_VALIDATED, "Résultats validés"
	}
	token := r.URL.Query().Get("page")
	if len(token) > maxPageToken {
		a.renderError(w, r, http.StatusBadRequest, errorPage{
			Title:  "Lien de page invalide",
			Detail: "Ce lien vers une page de la liste n’est pas valable. Repartez de la première page.",
			Link:   &link{Label: "Première page", Href: base},
		})
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.certification.ListResults(ctx, &certificationv1.ListResultsRequest{
		PageSize: dreetsResultsPerPage, PageToken: token, State: state,
	})
	if err != nil {
		a.dreetsFail(w, r, err, &link{Label: "Première page", Href: base})
		return
	}
	titles := titleBook{}
	data := resultsList{Validated: validated}
	for _, res := range resp.GetResults() {
		t, err := titles.get(ctx, a, res.GetTitleId(), res.GetTitleVersion())
		if err != nil {
			a.dreetsFail(w, r, err, nil)
			return
		}
		data.Rows = append(data.Rows, resultRow{
			Href:         resultHref(res.GetSessionId()),
			SessionID:    res.GetSessionId(),
			Title:        titleWording(t, res.GetTitleId()),
			TitleCode:    res.GetTitleId(),
			TitleVersion: res.GetTitleVersion(),
			Type:         resultSessionTypeLabel(res.GetType()),
			Centre:       res.GetCentreId(),
			JuryDate:     res.GetJuryDate(),
			Candidates:   len(res.GetLines()),
			Signed:       timeOf(res.GetSignTime()),
			Received:     timeOf(res.GetReceiveTime()),
			Validated:    timeOf(res.GetValidateTime()),
			ValidatedBy:  res.GetValidatedBy(),
		})
	}
	if next := resp.GetNextPageToken(); next != "" {
		data.NextHref = base + "?" + url.Values{"page": {next}}.Encode()
	}
	if token != "" {
		data.FirstHref = base
	}
	a.render(w, r, http.StatusOK, "dreets_results", Page{Title: title, Data: data})
}

// timeOf is the time of a timestamp, the zero time when it is absent (the
// date helpers then print nothing).
func timeOf(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime()
}

// dreetsFail is fail with a way back into the space: a refusal shows the
// error page with link (nil: none besides home); a session the service no
// longer accepts, an internal error or an unavailable service are fail's.
func (a *App) dreetsFail(w http.ResponseWriter, r *http.Request, err error, back *link) {
	st, ok := status.FromError(err)
	if !ok || back == nil {
		a.fail(w, r, err)
		return
	}
	if failsThePage(err) {
		a.fail(w, r, err)
		return
	}
	m := describe(err)
	a.renderError(w, r, runtime.HTTPStatusFromCode(st.Code()), errorPage{Title: m.Title, Detail: m.Detail, Rule: m.Rule, Fields: m.Fields, Link: back})
}

// resultHref is the address of a session's result page.
func resultHref(sessionID string) string {
	return "/dreets/resultats/" + url.PathEscape(sessionID)
}

// titleBook remembers the title versions a page has read, so that a page
// listing many results of the same title asks for it once.
type titleBook map[[2]string]*certificationv1.Title

// get returns the title version, nil when the catalogue does not have it
// (the page then shows its code).
func (b titleBook) get(ctx context.Context, a *App, code, version string) (*certificationv1.Title, error) {
	key := [2]string{code, version}
	if t, ok := b[key]; ok {
		return t, nil
	}
	resp, err := a.svc.certification.GetTitle(ctx, &certificationv1.GetTitleRequest{TitleId: code, Version: version})
	if err != nil && status.Code(err) != codes.NotFound {
		return nil, err
	}
	b[key] = resp.GetTitle()
	return b[key], nil
}

// titleWording is the title's wording, or its code when it is unknown.
func titleWording(t *certificationv1.Title, code string) string {
	if t.GetLabel() != "" {
		return t.GetLabel()
	}
	return code
}

// ccpLabel returns the wording of CCP code in t, "" when unknown.
func ccpLabel(t *certificationv1.Title, code string) string {
	for _, c := range t.GetCcps() {
		if c.GetCode() == code {
			return c.GetLabel()
		}
	}
	return ""
}
