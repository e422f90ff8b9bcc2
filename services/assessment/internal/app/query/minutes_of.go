package query

import (
	"context"

	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// MinutesOfHandler reads a session's minutes.
type MinutesOfHandler struct {
	repo   session.Repository
	hasher Hasher
}

// NewMinutesOfHandler returns the handler.
func NewMinutesOfHandler(repo session.Repository, hasher Hasher) MinutesOfHandler {
	return MinutesOfHandler{repo: repo, hasher: hasher}
}

// Handle returns the minutes of a deliberated session, and the session's
// state, to its jurors, its centre, ministry and admin; candidates may not
// read them.
func (h MinutesOfHandler) Handle(ctx context.Context, sessionID string) (minutes.Minutes, session.State, error) {
	_, s, err := load(ctx, h.repo, sessionID, authz.CanReadJury)
	if err != nil {
		return minutes.Minutes{}, "", err
	}
	m, err := s.Minutes(h.hasher)
	return m, s.State(), err
}
