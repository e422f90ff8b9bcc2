package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/eligibility"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// PostponeSession moves a session to later dates; Etag, when set, must be
// its current etag.
type PostponeSession struct {
	SessionID    string
	Etag         string
	Postponement session.Postponement
}

// PostponeSessionHandler handles PostponeSession.
type PostponeSessionHandler struct {
	repo   session.Repository
	replan replan
	now    func() time.Time
}

// NewPostponeSessionHandler returns the handler.
func NewPostponeSessionHandler(repo session.Repository, titles TitleCatalogue, candidates CandidateDirectory, registers Registers, history eligibility.History, now func() time.Time) PostponeSessionHandler {
	return PostponeSessionHandler{repo: repo, replan: replan{titles, candidates, registers, history}, now: now}
}

// Handle postpones the session (R19, R16, R40) when the caller organises
// it; the new plan passes the checks of a creation (checkPlan), the VAE
// candidates stay admissible on the new first day (R25), and dates moving
// the session into its title's délai de prolongation keep only candidates
// such a session is for (R6).
func (h PostponeSessionHandler) Handle(ctx context.Context, cmd PostponeSession) (*session.Session, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	return update(ctx, h.repo, p, cmd.SessionID, func(s *session.Session) error {
		if err := authz.CanManage(p, s); err != nil {
			return err
		}
		if err := s.Changeable(cmd.Etag); err != nil {
			return err
		}
		d := s.Draft()
		d.StartDate, d.EndDate, d.DossierDeadline = cmd.Postponement.StartDate, cmd.Postponement.EndDate, cmd.Postponement.DossierDeadline
		if d.Check() == nil { // a bad draft is refused by Postpone, with every field
			if err := h.replan.check(ctx, s, d); err != nil {
				return err
			}
		}
		return s.Postpone(cmd.Etag, cmd.Postponement, h.now())
	})
}
