package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// OpenSession starts a session; Etag, when set, must be its current etag.
type OpenSession struct {
	SessionID string
	Etag      string
}

// OpenSessionHandler handles OpenSession.
type OpenSessionHandler struct {
	repo      session.Repository
	registers Registers
	now       func() time.Time
}

// NewOpenSessionHandler returns the handler.
func NewOpenSessionHandler(repo session.Repository, registers Registers, now func() time.Time) OpenSessionHandler {
	return OpenSessionHandler{repo: repo, registers: registers, now: now}
}

// Handle opens the session (R19) when the caller organises it and no
// juror's habilitation was withdrawn since the jury was composed (R16,
// CheckJuryInForce).
func (h OpenSessionHandler) Handle(ctx context.Context, cmd OpenSession) (*session.Session, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	return update(ctx, h.repo, p, cmd.SessionID, func(s *session.Session) error {
		if err := authz.CanManage(p, s); err != nil {
			return err
		}
		if s.State() == session.StatePlanned {
			if err := CheckJuryInForce(ctx, h.registers, s.Jurors()); err != nil {
				return err
			}
		}
		return s.Open(cmd.Etag, h.now())
	})
}
