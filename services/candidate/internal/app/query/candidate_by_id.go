// Package query holds the use cases that read candidates, one per file.
package query

import (
	"context"
	"errors"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/candidate/internal/app/authz"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

// CandidateByID asks for one candidate.
type CandidateByID struct {
	ID string
}

// CandidateByIDHandler handles CandidateByID.
type CandidateByIDHandler struct {
	repo candidate.Repository
}

// NewCandidateByIDHandler returns the handler.
func NewCandidateByIDHandler(repo candidate.Repository) CandidateByIDHandler {
	return CandidateByIDHandler{repo: repo}
}

// Handle returns the candidate if the caller may read it. A caller who may
// not read every candidate gets PermissionDenied for an unknown id as for
// someone else's, so that ids cannot be probed.
func (h CandidateByIDHandler) Handle(ctx context.Context, q CandidateByID) (*candidate.Candidate, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := authz.MayRead(p); err != nil {
		return nil, err
	}
	c, err := h.repo.Get(ctx, q.ID)
	if errors.Is(err, candidate.ErrNotFound) && !authz.ReadsAll(p) {
		return nil, authz.ErrDenied
	}
	if err != nil {
		return nil, err
	}
	if err := authz.CanRead(p, c); err != nil {
		return nil, err
	}
	return c, nil
}
