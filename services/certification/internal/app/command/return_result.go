package command

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/certification/internal/app/authz"
	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// ReturnResult returns a session's signed minutes to its jury (R51).
type ReturnResult struct {
	SessionID    string
	MinutesHash  string
	Reason       string
	CandidacyIDs []string
}

// ReturnResultHandler handles ReturnResult.
type ReturnResultHandler struct {
	store ValidationStore
	now   func() time.Time
}

// NewReturnResultHandler returns the handler.
func NewReturnResultHandler(store ValidationStore, now func() time.Time) ReturnResultHandler {
	return ReturnResultHandler{store: store, now: now}
}

// Handle lets a ministry officer return the current version of a session's
// signed minutes, with a reason and the candidacies to deliberate again
// (R51), and publishes MinutesReturned in the same transaction: the
// assessment service reopens the session for those candidacies. A
// validated result may be returned to correct a material error; its awards
// stand until the next version is validated.
func (h ReturnResultHandler) Handle(ctx context.Context, cmd ReturnResult) (result.SessionResult, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return result.SessionResult{}, err
	}
	if !authz.Validates(p) {
		return result.SessionResult{}, result.ErrReturnDenied
	}
	if strings.TrimSpace(cmd.SessionID) == "" {
		return result.SessionResult{}, apperr.Invalid(apperr.FieldViolation{Field: "session_id", Description: "is required"})
	}
	now := h.now().UTC().Truncate(time.Microsecond)
	var out result.SessionResult
	err = h.store.InValidation(ctx, func(ctx context.Context, u ValidationUnit) error {
		r, err := u.Result(ctx, cmd.SessionID)
		if errors.Is(err, result.ErrNotFound) {
			return result.ErrMinutesNotSigned.WithMeta("session_id", cmd.SessionID)
		}
		if err != nil {
			return err
		}
		if err := r.MarkReturned(p.Subject, now, cmd.MinutesHash, cmd.Reason, cmd.CandidacyIDs); err != nil {
			return err
		}
		if err := u.SaveReturn(ctx, r); err != nil {
			return err
		}
		out = r
		return u.Publish(ctx, award.MinutesReturned{SessionID: r.SessionID, CentreID: r.CentreID,
			MinutesVersion: r.Version, MinutesHash: r.MinutesHash, Return: *r.Return})
	})
	if err != nil {
		return result.SessionResult{}, err
	}
	return out, nil
}
