package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/eligibility"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// UpdateSession changes the fields of a planned session that Paths (mask
// paths) name to their values in Patch. Etag must be the current etag.
type UpdateSession struct {
	SessionID string
	Etag      string
	Patch     session.Draft
	Paths     []string
}

// UpdateSessionHandler handles UpdateSession.
type UpdateSessionHandler struct {
	repo   session.Repository
	replan replan
	now    func() time.Time
}

// NewUpdateSessionHandler returns the handler.
func NewUpdateSessionHandler(repo session.Repository, titles TitleCatalogue, candidates CandidateDirectory, registers Registers, history eligibility.History, now func() time.Time) UpdateSessionHandler {
	return UpdateSessionHandler{repo: repo, replan: replan{titles, candidates, registers, history}, now: now}
}

// Handle updates the session when the caller organises it: the changed
// plan passes replan's checks (a creation's: R6, R8; the candidacies':
// R25, R6) and the domain's (R16, R40). A malformed mask is refused
// before the session is read; a stale etag before the plan is checked.
func (h UpdateSessionHandler) Handle(ctx context.Context, cmd UpdateSession) (*session.Session, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := session.CheckUpdateMask(cmd.Paths); err != nil {
		return nil, err
	}
	return update(ctx, h.repo, p, cmd.SessionID, func(s *session.Session) error {
		if err := authz.CanManage(p, s); err != nil {
			return err
		}
		if err := s.Changeable(cmd.Etag); err != nil {
			return err
		}
		d, err := s.Amend(cmd.Patch, cmd.Paths)
		if err != nil {
			return err
		}
		if err := h.replan.check(ctx, s, d); err != nil {
			return err
		}
		return s.Update(cmd.Etag, d, h.now())
	})
}
