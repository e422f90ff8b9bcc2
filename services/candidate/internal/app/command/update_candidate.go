package command

import (
	"context"
	"errors"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/candidate/internal/app/authz"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

// UpdateCandidate changes the fields of Patch named by Paths (update-mask
// paths) of candidate ID, provided Etag is its current etag.
type UpdateCandidate struct {
	ID    string
	Etag  string
	Patch candidate.Details
	Paths []string
}

// UpdateCandidateHandler handles UpdateCandidate.
type UpdateCandidateHandler struct {
	repo candidate.Repository
	now  func() time.Time
}

// NewUpdateCandidateHandler returns the handler.
func NewUpdateCandidateHandler(repo candidate.Repository, now func() time.Time) UpdateCandidateHandler {
	return UpdateCandidateHandler{repo: repo, now: now}
}

// Handle applies the update and returns the candidate as stored. Checks run
// in this order: access (so that nothing, not even a stale etag, tells about
// a candidate the caller may not see; an unknown id is PermissionDenied too,
// since nobody may update every candidate), the update mask (a malformed
// request is refused whatever the etag), the etag, then the new values.
func (h UpdateCandidateHandler) Handle(ctx context.Context, cmd UpdateCandidate) (*candidate.Candidate, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := authz.MayUpdate(p); err != nil {
		return nil, err
	}
	c, err := h.repo.Update(ctx, cmd.ID, func(c *candidate.Candidate) error {
		if err := authz.CanUpdate(p, c); err != nil {
			return err
		}
		if err := c.CheckUpdateMask(cmd.Paths); err != nil {
			return err
		}
		if err := c.CheckEtag(cmd.Etag); err != nil {
			return err
		}
		return c.Update(cmd.Patch, cmd.Paths, h.now())
	})
	if errors.Is(err, candidate.ErrNotFound) {
		return nil, authz.ErrDenied
	}
	return c, err
}
