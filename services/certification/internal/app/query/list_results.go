package query

import (
	"context"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/paging"

	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// ListResults asks for one page of session results.
type ListResults struct {
	PageSize  int32
	PageToken string
	State     result.State // empty: every state
}

// ResultPage is one page of results, in session id order.
type ResultPage struct {
	Results       []result.SessionResult
	NextPageToken string // empty on the last page
}

// ListResultsHandler lists session results for the ministry.
type ListResultsHandler struct {
	results result.Repository
}

// NewListResultsHandler returns the handler.
func NewListResultsHandler(results result.Repository) ListResultsHandler {
	return ListResultsHandler{results: results}
}

// Handle returns a page of results to ministry and admin callers; anyone
// else is result.ErrReadDenied.
func (h ListResultsHandler) Handle(ctx context.Context, q ListResults) (ResultPage, error) {
	centre, err := resultReader(ctx)
	if err != nil {
		return ResultPage{}, err
	}
	switch q.State {
	case "", result.AwaitingValidation, result.Validated, result.Returned:
	default:
		return ResultPage{}, apperr.Invalid(apperr.FieldViolation{Field: "state", Description: "is not a result state"})
	}
	listing := "results|state=" + string(q.State) + "|centre=" + centre
	var after string
	size, _, err := paging.Start(q.PageSize, listing, q.PageToken, &after)
	if err != nil {
		return ResultPage{}, err
	}
	list := h.results.List
	if centre != "" {
		list = func(ctx context.Context, state result.State, after string, limit int) ([]result.SessionResult, error) {
			return h.results.ListOfCentre(ctx, centre, state, after, limit)
		}
	}
	rows, err := list(ctx, q.State, after, size+1)
	if err != nil {
		return ResultPage{}, err
	}
	rows, token, err := paging.Next(listing, rows, size, func(r result.SessionResult) string { return r.SessionID })
	if err != nil {
		return ResultPage{}, err
	}
	return ResultPage{Results: rows, NextPageToken: token}, nil
}

// resultReader lets ministry and admin callers read every result, and a
// centre its own sessions' results: it returns the centre the caller is
// narrowed to, "" for every result.
func resultReader(ctx context.Context) (string, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return "", err
	}
	switch {
	case p.HasAny(auth.RoleMinistry, auth.RoleAdmin):
		return "", nil
	case p.Has(auth.RoleCentre) && p.Centre != "":
		return p.Centre, nil
	}
	return "", result.ErrReadDenied
}
