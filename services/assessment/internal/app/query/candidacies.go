package query

import (
	"context"
	"slices"
	"strings"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/paging"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// CandidacyByIDHandler reads one candidacy.
type CandidacyByIDHandler struct {
	repo session.Repository
}

// NewCandidacyByIDHandler returns the handler.
func NewCandidacyByIDHandler(repo session.Repository) CandidacyByIDHandler {
	return CandidacyByIDHandler{repo: repo}
}

// Handle returns the candidacy as the caller may see it. A candidate asking
// for a candidacy that is not theirs gets the same denial whether or not it
// exists.
func (h CandidacyByIDHandler) Handle(ctx context.Context, sessionID, candidacyID string) (candidacy.Candidacy, error) {
	p, s, err := loadPart(ctx, h.repo, sessionID, candidacyID, authz.CanRead)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	c, err := s.Candidacy(candidacyID)
	if err != nil && !authz.SeesJury(p, s) {
		return candidacy.Candidacy{}, authz.Denial(p)
	}
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	if err := authz.CanReadCandidacy(p, s, c); err != nil {
		return candidacy.Candidacy{}, err
	}
	return authz.Redact(p, s, c), nil
}

// ListCandidacies asks for one page of a session's candidacies, by id.
type ListCandidacies struct {
	SessionID string
	PageSize  int32
	PageToken string
}

// CandidacyPage is one page; NextPageToken is empty on the last page.
type CandidacyPage struct {
	Candidacies   []candidacy.Candidacy
	NextPageToken string
}

// ListCandidaciesHandler handles ListCandidacies.
type ListCandidaciesHandler struct {
	repo session.Repository
}

// NewListCandidaciesHandler returns the handler.
func NewListCandidaciesHandler(repo session.Repository) ListCandidaciesHandler {
	return ListCandidaciesHandler{repo: repo}
}

// Handle returns the page of the candidacies the caller may read, as it may
// see them. The session is loaded whole (a session has tens of
// candidacies), so paging is on the ids in memory.
func (h ListCandidaciesHandler) Handle(ctx context.Context, q ListCandidacies) (CandidacyPage, error) {
	p, s, err := load(ctx, h.repo, q.SessionID, authz.CanRead)
	if err != nil {
		return CandidacyPage{}, err
	}
	page, token, err := visiblePage(p, s, "candidacies|session="+s.ID()+"|"+scopeOf(p, s), q.PageSize, q.PageToken)
	if err != nil {
		return CandidacyPage{}, err
	}
	return CandidacyPage{Candidacies: page, NextPageToken: token}, nil
}

// visiblePage returns one page of the candidacies of s that p may read
// (authz.Visible), by id, and the token of the next; listing names the
// listing for the token's fingerprint.
func visiblePage(p auth.Principal, s *session.Session, listing string, pageSize int32, pageToken string) ([]candidacy.Candidacy, string, error) {
	var after string
	size, resumed, err := paging.Start(pageSize, listing, pageToken, &after)
	if err != nil {
		return nil, "", err
	}
	visible := authz.Visible(p, s) // by id
	if resumed {
		i, _ := slices.BinarySearchFunc(visible, after, func(c candidacy.Candidacy, id string) int { return strings.Compare(c.ID, id) })
		for i < len(visible) && visible[i].ID <= after {
			i++
		}
		visible = visible[i:]
	}
	return paging.Next(listing, visible, size, func(c candidacy.Candidacy) string { return c.ID })
}

// scopeOf names what p sees of s, for the page token's fingerprint.
func scopeOf(p auth.Principal, s *session.Session) string {
	if authz.SeesJury(p, s) {
		return "all"
	}
	return "candidate=" + p.Subject
}
