// Package command holds the use cases that change sessions, one per file.
// Each checks the caller's rights (package authz) on the session it loaded,
// inside the repository's transaction, before the domain applies the
// change.
package command

import (
	"context"
	"errors"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// TitleCatalogue finds title versions in the projection.
type TitleCatalogue interface {
	Get(ctx context.Context, id, version string) (title.Title, error)
}

// CandidateDirectory finds candidates in the projection.
type CandidateDirectory interface {
	Get(ctx context.Context, id string) (candidate.Candidate, error)
}

// Hasher is the content hash of the minutes.
type Hasher = minutes.Hasher

// update runs fn on session id for caller p: an unknown session is, for
// anyone but ministry and admin, the same denial as a session p may not
// access, so that existence does not leak.
func update(ctx context.Context, repo session.Repository, p auth.Principal, id string, fn func(s *session.Session) error) (*session.Session, error) {
	s, err := repo.Update(ctx, id, fn)
	if errors.Is(err, session.ErrNotFound) && !authz.ReadsAll(p) {
		return nil, authz.Denial(p)
	}
	return s, err
}
