package command

import (
	"context"

	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// RecordResultHandler stores the signed minutes of a session as a result
// awaiting the ministry's validation. It has no authorisation rule: it is
// only reachable from the assessment event stream, never from a request.
// It awards nothing (R51).
type RecordResultHandler struct{}

// NewRecordResultHandler returns the handler.
func NewRecordResultHandler() RecordResultHandler { return RecordResultHandler{} }

// Handle checks r and stores it as AWAITING_VALIDATION. It reports false,
// without error, when the session has these minutes already (a redelivered
// or re-published event); other minutes for the same session are
// result.ErrMinutesConflict.
//
// repo is passed per call so that the write joins the transaction in which
// the event bus records the event in its inbox.
func (RecordResultHandler) Handle(ctx context.Context, repo result.Repository, r result.SessionResult) (bool, error) {
	if err := r.CheckReceived(); err != nil {
		return false, err
	}
	r.State, r.ValidatedBy = result.AwaitingValidation, ""
	return repo.Record(ctx, r)
}
