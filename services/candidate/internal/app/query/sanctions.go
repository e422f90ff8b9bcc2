package query

import (
	"context"
	"errors"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/candidate/internal/app/authz"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/sanction"
)

// SanctionsHandler lists a candidate's sanctions (R58).
type SanctionsHandler struct {
	candidates candidate.Repository
	sanctions  sanction.Repository
}

// NewSanctionsHandler returns the handler.
func NewSanctionsHandler(candidates candidate.Repository, sanctions sanction.Repository) SanctionsHandler {
	return SanctionsHandler{candidates: candidates, sanctions: sanctions}
}

// Handle returns the sanctions, oldest first, to ministry, admin and the
// candidate themself; an unknown id is PermissionDenied to the others, as
// for someone else's.
func (h SanctionsHandler) Handle(ctx context.Context, candidateID string) ([]sanction.Sanction, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, err := h.candidates.Get(ctx, candidateID)
	if errors.Is(err, candidate.ErrNotFound) && !authz.ReadsAll(p) {
		return nil, authz.ErrDenied
	}
	if err != nil {
		return nil, err
	}
	if err := authz.CanReadSanctions(p, c); err != nil {
		return nil, err
	}
	return h.sanctions.List(ctx, candidateID)
}
