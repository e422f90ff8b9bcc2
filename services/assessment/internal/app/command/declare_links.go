package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// DeclareLinks replaces the links a juror declares on a session (R21).
// JurorSubject may be "me" for the caller.
type DeclareLinks struct {
	SessionID    string
	JurorSubject string
	Links        []jury.Link
}

// DeclaredLinks is the juror after the declaration and the candidacies
// the links recuse them from, by id.
type DeclaredLinks struct {
	Juror   jury.Juror
	Recused []string
}

// DeclareLinksHandler handles DeclareLinks.
type DeclareLinksHandler struct {
	repo session.Repository
	now  func() time.Time
}

// NewDeclareLinksHandler returns the handler.
func NewDeclareLinksHandler(repo session.Repository, now func() time.Time) DeclareLinksHandler {
	return DeclareLinksHandler{repo: repo, now: now}
}

// Handle records the declaration when the caller is the juror themselves
// (authz.CanDeclareLinks); the session applies it (Session.DeclareLinks),
// with its events, in one transaction.
func (h DeclareLinksHandler) Handle(ctx context.Context, cmd DeclareLinks) (DeclaredLinks, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return DeclaredLinks{}, err
	}
	subject := Subject(p, cmd.JurorSubject)
	var out DeclaredLinks
	_, err = update(ctx, h.repo, p, cmd.SessionID, func(s *session.Session) error {
		if err := authz.CanDeclareLinks(p, s, subject); err != nil {
			return err
		}
		j, err := s.DeclareLinks(subject, cmd.Links, h.now())
		if err != nil {
			return err
		}
		out = DeclaredLinks{Juror: j}
		for _, c := range s.Candidacies() {
			if s.Conflicted(subject, c.ID) {
				out.Recused = append(out.Recused, c.ID)
			}
		}
		return nil
	})
	return out, err
}
