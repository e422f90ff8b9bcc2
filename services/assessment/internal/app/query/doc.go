// Package query holds the use cases that read sessions, one per file. Each
// checks the caller's rights (package authz) on the session it loaded.
package query

import (
	"context"
	"errors"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// TitleCatalogue finds title versions in the projection.
type TitleCatalogue interface {
	Get(ctx context.Context, id, version string) (title.Title, error)
}

// Hasher is the content hash of the minutes.
type Hasher = minutes.Hasher

// load returns session id for caller p, who must pass check. An unknown
// session is, for anyone but ministry and admin, the same denial as a
// session p may not access, so that existence does not leak.
func load(ctx context.Context, repo session.Repository, id string, check func(p auth.Principal, s *session.Session) error) (auth.Principal, *session.Session, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return p, nil, err
	}
	s, err := repo.Get(ctx, id)
	if errors.Is(err, session.ErrNotFound) && !authz.ReadsAll(p) {
		return p, nil, authz.Denial(p)
	}
	if err != nil {
		return p, nil, err
	}
	if err := check(p, s); err != nil {
		return p, nil, err
	}
	return p, s, nil
}

// loadPart is load for the part of session id that candidacy candidacyID's
// reads need (session.Repository.GetPart), with the caller's own candidacy
// for the access checks: a bounded read whatever the session's size.
func loadPart(ctx context.Context, repo session.Repository, id, candidacyID string, check func(p auth.Principal, s *session.Session) error) (auth.Principal, *session.Session, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return p, nil, err
	}
	s, err := repo.GetPart(ctx, id, session.Part{CandidacyID: candidacyID, CandidateSubject: p.Subject})
	if errors.Is(err, session.ErrNotFound) && !authz.ReadsAll(p) {
		return p, nil, authz.Denial(p)
	}
	if err != nil {
		return p, nil, err
	}
	if err := check(p, s); err != nil {
		return p, nil, err
	}
	return p, s, nil
}
