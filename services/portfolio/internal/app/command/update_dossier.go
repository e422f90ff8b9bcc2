package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// UpdateDossier changes the parts of Patch named by Paths (update-mask
// paths) of dossier ID, provided Etag is its current etag.
type UpdateDossier struct {
	ID    string
	Etag  string
	Patch dossier.Content
	Paths []string
}

// UpdateDossierHandler handles UpdateDossier.
type UpdateDossierHandler struct {
	repo   dossier.Repository
	access authz.Access
	titles refdata.Titles
	now    func() time.Time
}

// NewUpdateDossierHandler returns the handler.
func NewUpdateDossierHandler(repo dossier.Repository, access authz.Access, titles refdata.Titles, now func() time.Time) UpdateDossierHandler {
	return UpdateDossierHandler{repo: repo, access: access, titles: titles, now: now}
}

// Handle applies the update and returns the dossier as stored. Checks run
// in this order: access (nothing, not even a stale etag, tells about a
// dossier the caller may not change), the update mask, the etag, then the
// new values.
func (h UpdateDossierHandler) Handle(ctx context.Context, cmd UpdateDossier) (*dossier.Dossier, error) {
	_, d, err := ownDossier(ctx, h.repo, h.access, cmd.ID)
	if err != nil {
		return nil, err
	}
	if err := dossier.CheckUpdateMask(cmd.Paths); err != nil {
		return nil, err
	}
	title, err := h.titles.Get(ctx, d.TitleID(), d.TitleVersion())
	if err != nil {
		return nil, titleError(err)
	}
	return h.repo.Update(ctx, cmd.ID, func(d *dossier.Dossier) error {
		if err := d.CheckEtag(cmd.Etag); err != nil {
			return err
		}
		return d.Update(cmd.Patch, cmd.Paths, title, h.now())
	})
}

// ownDossier returns the dossier when the caller owns it. A dossier the
// caller may not see is PermissionDenied whether or not it exists; ministry
// and admin see NotFound, but may not change it either.
func ownDossier(ctx context.Context, repo dossier.Repository, access authz.Access, id string) (auth.Principal, *dossier.Dossier, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return auth.Principal{}, nil, err
	}
	d, err := repo.Get(ctx, id)
	if err != nil {
		return p, nil, authz.Hide(p, err, false)
	}
	owner, err := access.IsOwner(ctx, p, d.CandidateID())
	if err != nil {
		return p, nil, err
	}
	if !owner {
		return p, nil, authz.ErrNotOwner
	}
	return p, d, nil
}

// titleError reports a title version the projection does not hold: the
// dossier was created with it, so this is a broken projection, not a bad
// request.
func titleError(err error) error {
	if apperr.KindOf(err) == apperr.KindNotFound {
		return ErrTitleUnknown.WithCause(err)
	}
	return err
}
