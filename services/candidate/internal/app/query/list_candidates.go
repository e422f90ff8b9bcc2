package query

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/paging"
	"github.com/titrepro/titrepro/services/candidate/internal/app/authz"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

// ListCandidates asks for one page of the candidates the caller may read,
// oldest first.
type ListCandidates struct {
	PageSize  int32
	PageToken string
}

// CandidatePage is one page of candidates; NextPageToken is empty on the
// last page.
type CandidatePage struct {
	Candidates    []*candidate.Candidate
	NextPageToken string
}

// ListCandidatesHandler handles ListCandidates.
type ListCandidatesHandler struct {
	repo candidate.Repository
}

// NewListCandidatesHandler returns the handler.
func NewListCandidatesHandler(repo candidate.Repository) ListCandidatesHandler {
	return ListCandidatesHandler{repo: repo}
}

// pageKey is the keyset position carried by a page token.
type pageKey struct {
	CreatedAt time.Time `json:"t"`
	ID        string    `json:"i"`
}

// Handle returns the page. The caller's scope is part of the token's
// fingerprint, so a token cannot be replayed by a caller with another scope.
func (h ListCandidatesHandler) Handle(ctx context.Context, q ListCandidates) (CandidatePage, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return CandidatePage{}, err
	}
	scope, err := authz.ListScope(p)
	if err != nil {
		return CandidatePage{}, err
	}
	listing := "candidates|centre=" + scope.CentreID + "|subject=" + scope.Subject
	var after pageKey
	size, resumed, err := paging.Start(q.PageSize, listing, q.PageToken, &after)
	if err != nil {
		return CandidatePage{}, err
	}
	lq := candidate.ListQuery{CentreID: scope.CentreID, Subject: scope.Subject, Limit: size + 1}
	if resumed {
		lq.After = &candidate.Cursor{CreatedAt: after.CreatedAt, ID: after.ID}
	}
	found, err := h.repo.List(ctx, lq)
	if err != nil {
		return CandidatePage{}, err
	}
	page, token, err := paging.Next(listing, found, size, func(c *candidate.Candidate) pageKey {
		return pageKey{CreatedAt: c.CreatedAt(), ID: c.ID()}
	})
	if err != nil {
		return CandidatePage{}, err
	}
	return CandidatePage{Candidates: page, NextPageToken: token}, nil
}
