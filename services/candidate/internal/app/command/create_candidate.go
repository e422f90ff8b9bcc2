// Package command holds the use cases that change candidates, one per file.
package command

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/candidate/internal/app/authz"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

// CreateCandidate registers a candidate. RequestID, when set, makes retries
// return the first result (AIP-155).
type CreateCandidate struct {
	Details   candidate.Details
	RequestID string
}

// errSubjectNotOwn: a candidate may register only themself.
var errSubjectNotOwn = authz.ErrDenied.WithMessage("a candidate may only register themself: leave subject empty or set it to your own")

// CreateCandidateHandler handles CreateCandidate.
type CreateCandidateHandler struct {
	repo candidate.Repository
	now  func() time.Time
}

// NewCreateCandidateHandler returns the handler.
func NewCreateCandidateHandler(repo candidate.Repository, now func() time.Time) CreateCandidateHandler {
	return CreateCandidateHandler{repo: repo, now: now}
}

// Handle creates the candidate, or returns the one created by an earlier
// call of the same caller with the same request id and content.
//
// A candidate caller registers themself: the record's subject is the token's
// subject. A centre caller registers for its centre and may bind a subject.
func (h CreateCandidateHandler) Handle(ctx context.Context, cmd CreateCandidate) (*candidate.Candidate, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	reg, err := authz.Register(p)
	if err != nil {
		return nil, err
	}
	d := cmd.Details
	if reg.SelfSubject != "" {
		if d.Subject != "" && d.Subject != reg.SelfSubject {
			return nil, errSubjectNotOwn
		}
		d.Subject = reg.SelfSubject
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("create candidate: new id: %w", err)
	}
	c, err := candidate.New(id.String(), reg.CentreID, d, h.now())
	if err != nil {
		return nil, err
	}
	hash, err := requestHash(c)
	if err != nil {
		return nil, err
	}
	return h.repo.Create(ctx, c, candidate.CreateKey{CreatedBy: p.Subject, RequestID: cmd.RequestID, RequestHash: hash})
}

// requestHash fingerprints what a create request asks for: the normalized
// details and the registering centre, so that a retry with the same content
// matches and a reuse of the request id for something else does not.
func requestHash(c *candidate.Candidate) (string, error) {
	body, err := json.Marshal(struct {
		Details  candidate.Details
		CentreID string
	}{c.Details(), c.CentreID()})
	if err != nil {
		return "", fmt.Errorf("create candidate: request hash: %w", err)
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:]), nil
}
