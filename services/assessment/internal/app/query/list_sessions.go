package query

import (
	"context"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/paging"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// ListSessions asks for one page of the sessions the caller may read,
// oldest first, narrowed by the filters (empty: any).
type ListSessions struct {
	PageSize  int32
	PageToken string
	Filter    SessionFilter
}

// SessionFilter narrows a list of sessions: organised by a centre, on a
// title, running on a day of [FromDate, ToDate] ("YYYY-MM-DD", either
// bound open when empty).
type SessionFilter struct {
	CentreID, TitleID, FromDate, ToDate string
}

// maxFilterID bounds the ids a filter names, in bytes.
const maxFilterID = 64

// apply checks f and narrows lq with it. It reports false when f cannot
// match anything lq allows (another centre than the caller's own).
func (f SessionFilter) apply(lq *session.ListQuery) (bool, error) {
	var v apperr.Violations
	for _, id := range []struct{ field, value string }{{"centre_id", f.CentreID}, {"title_id", f.TitleID}} {
		if len(id.value) > maxFilterID {
			v.Add(id.field, fmt.Sprintf("too long: at most %d characters", maxFilterID))
		}
	}
	var from, to civildate.Date
	var errFrom, errTo error
	if f.FromDate != "" {
		if from, errFrom = civildate.Parse(f.FromDate); errFrom != nil {
			v.Add("from_date", "date YYYY-MM-DD")
		}
	}
	if f.ToDate != "" {
		if to, errTo = civildate.Parse(f.ToDate); errTo != nil {
			v.Add("to_date", "date YYYY-MM-DD")
		}
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		v.Add("to_date", "not before from_date")
	}
	if err := v.Err(); err != nil {
		return false, err
	}
	lq.TitleID, lq.From, lq.To = f.TitleID, from, to
	if f.CentreID != "" {
		if lq.CentreID != "" && lq.CentreID != f.CentreID {
			return false, nil
		}
		lq.CentreID = f.CentreID
	}
	return true, nil
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
	matches, err := q.Filter.apply(&lq)
	if err != nil {
		return SessionPage{}, err
	}
	listing := "sessions|centre=" + lq.CentreID + "|juror=" + lq.JurorSubject + "|candidate=" + lq.CandidateSubject +
		"|title=" + lq.TitleID + "|from=" + q.Filter.FromDate + "|to=" + q.Filter.ToDate
	var after sessionKey
	size, resumed, err := paging.Start(q.PageSize, listing, q.PageToken, &after)
	if err != nil {
		return SessionPage{}, err
	}
	if !matches {
		return SessionPage{}, nil
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
