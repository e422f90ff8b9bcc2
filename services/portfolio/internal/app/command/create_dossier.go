package command

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// CreateDossier starts a dossier for a title version. CandidateID empty
// means the caller's own record; TitleVersion empty means the latest
// published version. RequestID, when set, makes retries return the first
// result (AIP-155).
type CreateDossier struct {
	CandidateID  string
	TitleID      string
	TitleVersion string
	Content      dossier.Content
	RequestID    string
}

// CreateDossierHandler handles CreateDossier.
type CreateDossierHandler struct {
	repo       dossier.Repository
	candidates refdata.Candidates
	titles     refdata.Titles
	now        func() time.Time
}

// NewCreateDossierHandler returns the handler.
func NewCreateDossierHandler(repo dossier.Repository, candidates refdata.Candidates, titles refdata.Titles, now func() time.Time) CreateDossierHandler {
	return CreateDossierHandler{repo: repo, candidates: candidates, titles: titles, now: now}
}

// Handle creates the dossier, or returns the one created by an earlier
// call of the same caller with the same request id and content. Only a
// candidate creates a dossier, for their own record.
func (h CreateDossierHandler) Handle(ctx context.Context, cmd CreateDossier) (*dossier.Dossier, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if !p.Has(auth.RoleCandidate) {
		return nil, authz.ErrDenied.WithMessage("only candidates create dossiers, for themselves")
	}
	if cmd.TitleID == "" {
		return nil, apperr.Invalid(apperr.FieldViolation{Field: "dossier.title_id", Description: "required"})
	}
	owner, err := h.candidates.BySubject(ctx, p.Subject)
	if apperr.KindOf(err) == apperr.KindNotFound {
		return nil, ErrCandidateUnknown
	}
	if err != nil {
		return nil, err
	}
	if cmd.CandidateID != "" && cmd.CandidateID != owner.ID {
		return nil, authz.ErrDenied.WithMessage("a candidate creates dossiers only for their own record")
	}
	title, err := h.titles.Get(ctx, cmd.TitleID, cmd.TitleVersion)
	if apperr.KindOf(err) == apperr.KindNotFound {
		return nil, ErrTitleUnknown.WithMeta("title_id", cmd.TitleID).WithMeta("title_version", cmd.TitleVersion)
	}
	if err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("create dossier: new id: %w", err)
	}
	d, err := dossier.New(id.String(), owner.ID, title, cmd.Content, h.now())
	if err != nil {
		return nil, err
	}
	hash, err := requestHash(struct {
		CandidateID, TitleID, TitleVersion string
		Content                            dossier.Content
	}{owner.ID, cmd.TitleID, cmd.TitleVersion, cmd.Content})
	if err != nil {
		return nil, err
	}
	return h.repo.Create(ctx, d, dossier.RequestKey{CreatedBy: p.Subject, RequestID: cmd.RequestID, RequestHash: hash})
}
