package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// RemoveJuror withdraws a juror from a session; Reason is required once
// the session is IN_PROGRESS (a juror absent on the day).
type RemoveJuror struct {
	SessionID string
	Subject   string
	Reason    string
}

// RemoveJurorHandler handles RemoveJuror.
type RemoveJurorHandler struct {
	repo session.Repository
	now  func() time.Time
}

// NewRemoveJurorHandler returns the handler.
func NewRemoveJurorHandler(repo session.Repository, now func() time.Time) RemoveJurorHandler {
	return RemoveJurorHandler{repo: repo, now: now}
}

// Handle removes the juror when the caller organises the session.
func (h RemoveJurorHandler) Handle(ctx context.Context, cmd RemoveJuror) error {
	p, err := auth.Require(ctx)
	if err != nil {
		return err
	}
	_, err = update(ctx, h.repo, p, cmd.SessionID, func(s *session.Session) error {
		if err := authz.CanManage(p, s); err != nil {
			return err
		}
		return s.RemoveJuror(cmd.Subject, cmd.Reason, h.now())
	})
	return err
}
