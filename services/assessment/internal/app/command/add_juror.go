package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// AddJuror assigns a juror to a session.
type AddJuror struct {
	SessionID string
	Juror     jury.Input
}

// AddJurorHandler handles AddJuror.
type AddJurorHandler struct {
	repo session.Repository
	now  func() time.Time
}

// NewAddJurorHandler returns the handler.
func NewAddJurorHandler(repo session.Repository, now func() time.Time) AddJurorHandler {
	return AddJurorHandler{repo: repo, now: now}
}

// Handle assigns the juror (R16, R21) when the caller organises the
// session, and returns the juror as stored.
func (h AddJurorHandler) Handle(ctx context.Context, cmd AddJuror) (jury.Juror, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return jury.Juror{}, err
	}
	var added jury.Juror
	_, err = update(ctx, h.repo, p, cmd.SessionID, func(s *session.Session) error {
		if err := authz.CanManage(p, s); err != nil {
			return err
		}
		j, err := jury.New(cmd.Juror, h.now())
		if err != nil {
			return err
		}
		added, err = s.AddJuror(j, h.now())
		return err
	})
	return added, err
}
