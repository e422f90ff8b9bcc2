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
	repo      session.Repository
	registers Registers
	now       func() time.Time
}

// NewAddJurorHandler returns the handler.
func NewAddJurorHandler(repo session.Repository, registers Registers, now func() time.Time) AddJurorHandler {
	return AddJurorHandler{repo: repo, registers: registers, now: now}
}

// Handle assigns the juror when the caller organises the session, and
// returns the juror as stored. The juror is the one the juror register
// knows under the habilitation number (R16, R20, R23: jurorFromRegister);
// the session checks the habilitation's title and dates (R16) and the
// declared links (R21).
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
		in, err := jurorFromRegister(ctx, h.registers, cmd.Juror, s.Type())
		if err != nil {
			return err
		}
		j, err := jury.New(in, h.now())
		if err != nil {
			return err
		}
		added, err = s.AddJuror(j, h.now())
		return err
	})
	return added, err
}
