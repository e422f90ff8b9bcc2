package query

import (
	"context"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/paging"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// ListDossiers asks for one page of the dossiers the caller may read,
// oldest first, optionally of one candidate.
type ListDossiers struct {
	CandidateID string
	PageSize    int32
	PageToken   string
}

// DossierPage is one page of dossiers; NextPageToken is empty on the last.
type DossierPage struct {
	Dossiers      []*dossier.Dossier
	NextPageToken string
}

// ListDossiersHandler handles ListDossiers.
type ListDossiersHandler struct {
	repo       dossier.Repository
	candidates refdata.Candidates
}

// NewListDossiersHandler returns the handler.
func NewListDossiersHandler(repo dossier.Repository, candidates refdata.Candidates) ListDossiersHandler {
	return ListDossiersHandler{repo: repo, candidates: candidates}
}

// Handle returns the page: every dossier (or one candidate's) for ministry
// and admin, the caller's own for a candidate. Centres and jurors read
// snapshots, not drafts: they are refused.
func (h ListDossiersHandler) Handle(ctx context.Context, q ListDossiers) (DossierPage, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return DossierPage{}, err
	}
	candidateID := q.CandidateID
	if !authz.ReadsAll(p) {
		if !p.Has(auth.RoleCandidate) {
			return DossierPage{}, authz.ErrDenied.WithMessage("your roles give no access to dossier drafts")
		}
		own, err := h.candidates.BySubject(ctx, p.Subject)
		if apperr.KindOf(err) == apperr.KindNotFound {
			return DossierPage{}, nil // no record yet, hence no dossier
		}
		if err != nil {
			return DossierPage{}, err
		}
		if candidateID != "" && candidateID != own.ID {
			return DossierPage{}, authz.ErrDenied
		}
		candidateID = own.ID
	}
	listing := "dossiers|candidate=" + candidateID
	var after pageKey
	size, resumed, err := paging.Start(q.PageSize, listing, q.PageToken, &after)
	if err != nil {
		return DossierPage{}, err
	}
	lq := dossier.ListQuery{CandidateID: candidateID, Limit: size + 1}
	if resumed {
		lq.After = &dossier.Cursor{CreatedAt: after.CreatedAt, ID: after.ID}
	}
	found, err := h.repo.List(ctx, lq)
	if err != nil {
		return DossierPage{}, err
	}
	page, token, err := paging.Next(listing, found, size, func(d *dossier.Dossier) pageKey {
		return pageKey{CreatedAt: d.CreatedAt(), ID: d.ID()}
	})
	if err != nil {
		return DossierPage{}, err
	}
	return DossierPage{Dossiers: page, NextPageToken: token}, nil
}
