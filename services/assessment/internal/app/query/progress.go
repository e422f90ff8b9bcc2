package query

import (
	"context"

	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// SessionProgress asks for one page of a session's scoring progress, by
// candidacy id.
type SessionProgress struct {
	SessionID string
	PageSize  int32
	PageToken string
}

// ProgressPage is one page; NextPageToken is empty on the last page.
type ProgressPage struct {
	State         session.State
	Candidacies   []session.CandidacyProgress
	NextPageToken string
}

// SessionProgressHandler handles SessionProgress.
type SessionProgressHandler struct {
	repo   session.Repository
	titles TitleCatalogue
}

// NewSessionProgressHandler returns the handler.
func NewSessionProgressHandler(repo session.Repository, titles TitleCatalogue) SessionProgressHandler {
	return SessionProgressHandler{repo: repo, titles: titles}
}

// Handle returns the page of the progress of the candidacies the caller
// may read: the session's centre, its jurors (authz.Visible leaves out
// the candidacies a juror is recused from, R21, as ListCandidacies does),
// ministry and admin. Candidates may not: the progress tells about the
// jury's work, which they do not see (authz.SeesJury). The session is
// loaded whole, as ListCandidacies does, and paged in memory.
func (h SessionProgressHandler) Handle(ctx context.Context, q SessionProgress) (ProgressPage, error) {
	p, s, err := load(ctx, h.repo, q.SessionID, authz.CanReadJury)
	if err != nil {
		return ProgressPage{}, err
	}
	page, token, err := visiblePage(p, s, "progress|session="+s.ID(), q.PageSize, q.PageToken)
	if err != nil {
		return ProgressPage{}, err
	}
	out := ProgressPage{State: s.State(), NextPageToken: token}
	if len(page) == 0 {
		return out, nil
	}
	t, err := h.titles.Get(ctx, s.TitleID(), s.TitleVersion())
	if err != nil {
		return ProgressPage{}, err
	}
	for _, c := range page {
		cp, err := s.Progress(c.ID, t)
		if err != nil {
			return ProgressPage{}, err
		}
		out.Candidacies = append(out.Candidacies, cp)
	}
	return out, nil
}
