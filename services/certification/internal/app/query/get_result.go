package query

import (
	"context"
	"strings"

	"github.com/titrepro/titrepro/internal/apperr"

	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// GetResult names a session's result.
type GetResult struct {
	SessionID string
	// MinutesVersion is a version to read as received; 0 the current one.
	MinutesVersion int
}

// GetResultHandler reads one session result for the ministry.
type GetResultHandler struct {
	results result.Repository
}

// NewGetResultHandler returns the handler.
func NewGetResultHandler(results result.Repository) GetResultHandler {
	return GetResultHandler{results: results}
}

// Handle returns the result to ministry and admin callers; anyone else is
// result.ErrReadDenied. An unknown session is result.ErrNotFound.
func (h GetResultHandler) Handle(ctx context.Context, q GetResult) (result.SessionResult, error) {
	centre, err := resultReader(ctx)
	if err != nil {
		return result.SessionResult{}, err
	}
	if strings.TrimSpace(q.SessionID) == "" {
		return result.SessionResult{}, apperr.Invalid(apperr.FieldViolation{Field: "session_id", Description: "is required"})
	}
	var r result.SessionResult
	if q.MinutesVersion != 0 {
		r, err = h.results.Version(ctx, q.SessionID, q.MinutesVersion)
	} else {
		r, err = h.results.Get(ctx, q.SessionID)
	}
	if centre != "" && (err != nil || r.CentreID != centre) {
		// A centre reads its own sessions' results only, and learns
		// nothing of the others, not even whether they exist.
		return result.SessionResult{}, result.ErrReadDenied
	}
	if err != nil {
		return result.SessionResult{}, err
	}
	return r, nil
}
