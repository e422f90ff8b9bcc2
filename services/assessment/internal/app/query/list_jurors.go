package query

import (
	"context"

	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// ListJurorsHandler reads a session's jury.
type ListJurorsHandler struct {
	repo session.Repository
}

// NewListJurorsHandler returns the handler.
func NewListJurorsHandler(repo session.Repository) ListJurorsHandler {
	return ListJurorsHandler{repo: repo}
}

// Handle returns the jury, by subject, to those who may see it.
func (h ListJurorsHandler) Handle(ctx context.Context, sessionID string) ([]jury.Juror, error) {
	_, s, err := load(ctx, h.repo, sessionID, authz.CanReadJury)
	if err != nil {
		return nil, err
	}
	return s.Jurors(), nil
}
