package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// ReopenMinutes applies the ministry's return of a session's signed
// minutes (R51); it comes from the certification service's MinutesReturned
// event.
type ReopenMinutes struct {
	SessionID string
	Return    minutes.Return
}

// ReopenMinutesHandler handles ReopenMinutes.
type ReopenMinutesHandler struct {
	hasher Hasher
	now    func() time.Time
}

// NewReopenMinutesHandler returns the handler.
func NewReopenMinutesHandler(hasher Hasher, now func() time.Time) ReopenMinutesHandler {
	return ReopenMinutesHandler{hasher: hasher, now: now}
}

// Handle reopens the session through repo (bound by the caller to the
// transaction that records the event) for the candidacies the return
// cites, and reports whether it changed anything: a return already applied
// does not.
func (h ReopenMinutesHandler) Handle(ctx context.Context, repo session.Repository, cmd ReopenMinutes) (bool, error) {
	var applied bool
	_, err := repo.Update(ctx, cmd.SessionID, func(s *session.Session) error {
		var err error
		applied, err = s.Reopen(cmd.Return, h.hasher, h.now())
		return err
	})
	return applied, err
}
