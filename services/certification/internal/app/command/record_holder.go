package command

import (
	"context"
	"errors"

	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
)

// RecordHolder projects one change of a candidate's civil identity, as
// published by the candidate service.
type RecordHolder struct {
	Holder holder.Holder
}

// RecordHolderHandler keeps the holder projection. It has no authorisation
// rule: it is only reachable from the candidate event stream, never from a
// request.
type RecordHolderHandler struct{}

// NewRecordHolderHandler returns the handler.
func NewRecordHolderHandler() RecordHolderHandler { return RecordHolderHandler{} }

// Handle applies the change when it is newer than the stored identity
// (holder.Decide) and reports what it did. Duplicate and Stale outcomes are
// not errors: the event is acknowledged and ignored.
//
// repo is passed per call rather than held because the write must join the
// transaction in which the event bus records the event as processed (its
// inbox): the caller hands in a repository bound to that transaction.
func (RecordHolderHandler) Handle(ctx context.Context, repo holder.Repository, cmd RecordHolder) (holder.Outcome, error) {
	in := cmd.Holder
	if err := in.Validate(); err != nil {
		return 0, err
	}
	var stored *holder.Holder
	switch got, err := repo.Get(ctx, in.CandidateID); {
	case err == nil:
		stored = &got
	case !errors.Is(err, holder.ErrNotFound):
		return 0, err
	}
	outcome := holder.Decide(stored, in)
	if outcome != holder.Apply {
		return outcome, nil
	}
	written, err := repo.Upsert(ctx, in)
	if err != nil {
		return 0, err
	}
	if !written {
		// Another writer stored a version at least as new between Get
		// and Upsert; the stored identity is already the newer one.
		return holder.Stale, nil
	}
	return holder.Apply, nil
}
