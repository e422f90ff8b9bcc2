package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// CancelSession cancels a session for a reason; Etag, when set, must be its
// current etag.
type CancelSession struct {
	SessionID string
	Etag      string
	Reason    string
}

// CancelSessionHandler handles CancelSession.
type CancelSessionHandler struct {
	repo session.Repository
	now  func() time.Time
}

// NewCancelSessionHandler returns the handler.
func NewCancelSessionHandler(repo session.Repository, now func() time.Time) CancelSessionHandler {
	return CancelSessionHandler{repo: repo, now: now}
}

// Handle cancels the session, releasing its candidacies, when the caller
// organises it.
func (h CancelSessionHandler) Handle(ctx context.Context, cmd CancelSession) (*session.Session, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	return update(ctx, h.repo, p, cmd.SessionID, func(s *session.Session) error {
		if err := authz.CanManage(p, s); err != nil {
			return err
		}
		return s.Cancel(cmd.Etag, cmd.Reason, h.now())
	})
}
