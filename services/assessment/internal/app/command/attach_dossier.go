package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// AttachDossier attaches a submitted Dossier Professionnel snapshot to its
// candidacy; it comes from the portfolio's DossierSubmitted event.
type AttachDossier struct {
	SessionID  string
	Submission session.Submission
}

// AttachDossierHandler handles AttachDossier.
type AttachDossierHandler struct {
	now func() time.Time
}

// NewAttachDossierHandler returns the handler.
func NewAttachDossierHandler(now func() time.Time) AttachDossierHandler {
	return AttachDossierHandler{now: now}
}

// Handle attaches the snapshot through repo (bound by the caller to the
// transaction that records the event) and reports whether it changed the
// candidacy (R34). An unknown session is session.ErrNotFound, an unknown
// candidacy session.ErrCandidacyNotFound.
func (h AttachDossierHandler) Handle(ctx context.Context, repo session.Repository, cmd AttachDossier) (bool, error) {
	var applied bool
	_, err := repo.Update(ctx, cmd.SessionID, func(s *session.Session) error {
		var err error
		applied, err = s.AttachDossier(cmd.Submission, h.now())
		return err
	})
	return applied, err
}
