package query

import (
	"context"

	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// SessionByIDHandler reads one session.
type SessionByIDHandler struct {
	repo session.Repository
}

// NewSessionByIDHandler returns the handler.
func NewSessionByIDHandler(repo session.Repository) SessionByIDHandler {
	return SessionByIDHandler{repo: repo}
}

// Handle returns the session when the caller may read it.
func (h SessionByIDHandler) Handle(ctx context.Context, id string) (session.Summary, error) {
	_, s, err := load(ctx, h.repo, id, authz.CanRead)
	if err != nil {
		return session.Summary{}, err
	}
	return s.Summary(), nil
}
