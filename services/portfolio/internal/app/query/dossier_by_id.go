package query

import (
	"context"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

// DossierByIDHandler returns the draft of a dossier to its owner, ministry
// and admin.
type DossierByIDHandler struct {
	repo   dossier.Repository
	access authz.Access
}

// NewDossierByIDHandler returns the handler.
func NewDossierByIDHandler(repo dossier.Repository, access authz.Access) DossierByIDHandler {
	return DossierByIDHandler{repo: repo, access: access}
}

// Handle returns the dossier. A dossier the caller may not read is
// PermissionDenied whether or not it exists.
func (h DossierByIDHandler) Handle(ctx context.Context, id string) (*dossier.Dossier, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	d, err := h.repo.Get(ctx, id)
	if err != nil {
		return nil, authz.Hide(p, err, false)
	}
	if err := h.access.ReadsDraft(ctx, p, d); err != nil {
		return nil, err
	}
	return d, nil
}
