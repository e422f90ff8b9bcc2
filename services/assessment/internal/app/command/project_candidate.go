package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// ProjectCandidateHandler keeps the candidate projection: it handles the
// candidate service's CandidateRegistered and CandidateUpdated.
type ProjectCandidateHandler struct {
	now func() time.Time
}

// NewProjectCandidateHandler returns the handler.
func NewProjectCandidateHandler(now func() time.Time) ProjectCandidateHandler {
	return ProjectCandidateHandler{now: now}
}

// Handle applies c to the projection unless it already holds that version
// or a later one, and then refreshes what the open sessions' candidacies
// know about the candidate, so that a change of training organisation
// takes effect on conflicts of interest at once (R21; ASVS 8.3.2). Both
// repositories are bound by the caller to the transaction that records the
// event. It reports whether the projection changed.
func (h ProjectCandidateHandler) Handle(ctx context.Context, people candidate.Repository, sessions session.Repository, c candidate.Candidate) (bool, error) {
	if err := c.Validate(); err != nil {
		return false, err
	}
	applied, err := people.Apply(ctx, c)
	if err != nil || !applied {
		return applied, err
	}
	ids, err := sessions.WithCandidate(ctx, c.ID)
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		if _, err := sessions.Update(ctx, id, func(s *session.Session) error {
			s.RefreshCandidate(c, h.now())
			return nil
		}); err != nil {
			return false, err
		}
	}
	return true, nil
}

// Ban keeps a ban the ministry pronounced (R58), from SanctionPronounced,
// through people (bound by the caller to the transaction that records the
// event); it reports whether it was new. A registration during the ban is
// then refused (candidate.CheckNotBanned) without asking the candidate
// service.
func (h ProjectCandidateHandler) Ban(ctx context.Context, people candidate.Repository, b candidate.Ban) (bool, error) {
	if b.SanctionID == "" || b.CandidateID == "" || b.From.IsZero() || !b.From.Before(b.Until) {
		return false, candidate.ErrInvalid.WithMessage("a ban event without sanction, candidate or period")
	}
	return people.SaveBan(ctx, b)
}
