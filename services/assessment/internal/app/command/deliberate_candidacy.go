package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// DeliberateCandidacy records the jury's decision on a candidacy.
type DeliberateCandidacy struct {
	SessionID   string
	CandidacyID string
	Decision    deliberation.Input
}

// DeliberateCandidacyHandler handles DeliberateCandidacy.
type DeliberateCandidacyHandler struct {
	repo   session.Repository
	titles TitleCatalogue
	now    func() time.Time
}

// NewDeliberateCandidacyHandler returns the handler.
func NewDeliberateCandidacyHandler(repo session.Repository, titles TitleCatalogue, now func() time.Time) DeliberateCandidacyHandler {
	return DeliberateCandidacyHandler{repo: repo, titles: titles, now: now}
}

// Handle records the decision (R19, R34, R48, R49, R50) submitted by a juror
// of the session free of any link with the candidate (R21).
func (h DeliberateCandidacyHandler) Handle(ctx context.Context, cmd DeliberateCandidacy) (candidacy.Candidacy, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	var decided candidacy.Candidacy
	_, err = update(ctx, h.repo, p, cmd.SessionID, func(s *session.Session) error {
		if err := authz.CanSign(p, s); err != nil {
			return err
		}
		c, err := s.Candidacy(cmd.CandidacyID)
		if err != nil {
			return err
		}
		if err := authz.CanAct(p, s, c); err != nil {
			return err
		}
		t, err := h.titles.Get(ctx, s.TitleID(), s.TitleVersion())
		if err != nil {
			return err
		}
		decided, err = s.Deliberate(c.ID, p.Subject, cmd.Decision, t, h.now())
		return err
	})
	return decided, err
}
