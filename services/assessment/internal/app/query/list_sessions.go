package query

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/paging"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// ListSessions asks for one page of the sessions the caller may read,
// oldest first.
type ListSessions struct {
	PageSize  int32
	PageToken string
}

// SessionPage is one page; NextPageToken is empty on the last page.
type SessionPage struct {
	Sessions      []session.Summary
	NextPageToken string
}

// ListSessionsHandler handles ListSessions.
type ListSessionsHandler struct {
	repo session.Repository
}

// NewListSessionsHandler returns the handler.
func NewListSessionsHandler(repo session.Repository) ListSessionsHandler {
	return ListSessionsHandler{repo: repo}
}

// sessionKey is the keyset position carried by a page token.
type sessionKey struct {
	CreatedAt time.Time `json:"t"`
	ID        string    `json:"i"`
}

// Handle returns the page. The caller's scope is part of the token's
// fingerprint, so a token cannot be replayed by a caller with another
// scope.
func (h ListSessionsHandler) Handle(ctx context.Context, q ListSessions) (SessionPage, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return SessionPage{}, err
	}
	lq, err := authz.ListScope(p)
	if err != nil {
		return SessionPage{}, err
	}
	listing := "sessions|centre=" + lq.CentreID + "|juror=" + lq.JurorSubject + "|candidate=" + lq.CandidateSubject
	var after sessionKey
	size, resumed, err := paging.Start(q.PageSize, listing, q.PageToken, &after)
	if err != nil {
		return SessionPage{}, err
	}
	lq.Limit = size + 1
	if resumed {
		lq.After = &session.Cursor{CreatedAt: after.CreatedAt, ID: after.ID}
	}
	found, err := h.repo.List(ctx, lq)
	if err != nil {
		return SessionPage{}, err
	}
	page, token, err := paging.Next(listing, found, size, func(s session.Summary) sessionKey {
		return sessionKey{CreatedAt: s.CreatedAt, ID: s.ID}
	})
	if err != nil {
		return SessionPage{}, err
	}
	return SessionPage{Sessions: page, NextPageToken: token}, nil
}
