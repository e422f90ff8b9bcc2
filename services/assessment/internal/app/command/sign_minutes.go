package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// SignMinutes signs a session's minutes as the calling juror, bound to the
// content hash the juror read.
type SignMinutes struct {
	SessionID   string
	ContentHash string
}

// SignMinutesHandler handles SignMinutes.
type SignMinutesHandler struct {
	repo   session.Repository
	hasher Hasher
	now    func() time.Time
}

// NewSignMinutesHandler returns the handler.
func NewSignMinutesHandler(repo session.Repository, hasher Hasher, now func() time.Time) SignMinutesHandler {
	return SignMinutesHandler{repo: repo, hasher: hasher, now: now}
}

// Handle records the signature (R50). Two jurors signing at once are both
// recorded: the repository replays the second on the state the first left,
// and the last signature, whichever it is, closes the session. It returns
// the minutes and the session's state after the signature.
func (h SignMinutesHandler) Handle(ctx context.Context, cmd SignMinutes) (minutes.Minutes, session.State, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return minutes.Minutes{}, "", err
	}
	var signed minutes.Minutes
	s, err := update(ctx, h.repo, p, cmd.SessionID, func(s *session.Session) error {
		if err := authz.CanSign(p, s); err != nil {
			return err
		}
		m, err := s.Sign(p.Subject, cmd.ContentHash, h.hasher, h.now())
		signed = m
		return err
	})
	if err != nil {
		return minutes.Minutes{}, "", err
	}
	return signed, s.State(), nil
}
