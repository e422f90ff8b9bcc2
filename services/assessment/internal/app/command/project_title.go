package command

import (
	"context"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// ProjectTitleHandler keeps the title projection: it handles the
// certification service's TitleVersionPublished.
type ProjectTitleHandler struct{}

// NewProjectTitleHandler returns the handler.
func NewProjectTitleHandler() ProjectTitleHandler { return ProjectTitleHandler{} }

// Handle stores t through repo (bound by the caller to the transaction that
// records the event) unless the version is already known; it reports
// whether it stored it. A title the service cannot use is title.ErrInvalid.
func (ProjectTitleHandler) Handle(ctx context.Context, repo title.Repository, t title.Title) (bool, error) {
	if err := t.Validate(); err != nil {
		return false, err
	}
	return repo.Save(ctx, t)
}
