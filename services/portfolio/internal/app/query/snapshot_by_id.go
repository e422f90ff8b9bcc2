package query

import (
	"context"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

// SnapshotByIDHandler returns a snapshot to whoever may read it.
type SnapshotByIDHandler struct {
	repo   dossier.Repository
	access authz.Access
}

// NewSnapshotByIDHandler returns the handler.
func NewSnapshotByIDHandler(repo dossier.Repository, access authz.Access) SnapshotByIDHandler {
	return SnapshotByIDHandler{repo: repo, access: access}
}

// Handle returns the snapshot. The owner of the dossier, ministry and
// admin see NotFound for a snapshot that does not exist; everybody else
// PermissionDenied.
func (h SnapshotByIDHandler) Handle(ctx context.Context, dossierID, snapshotID string) (*dossier.Snapshot, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	s, err := h.repo.Snapshot(ctx, dossierID, snapshotID)
	if err != nil {
		return nil, authz.Hide(p, err, ownsDossier(ctx, h.repo, h.access, p, dossierID))
	}
	if err := h.access.ReadsSnapshot(ctx, p, s); err != nil {
		return nil, err
	}
	return s, nil
}

// ownsDossier reports whether p owns the dossier; any failure to tell
// counts as no.
func ownsDossier(ctx context.Context, repo dossier.Repository, access authz.Access, p auth.Principal, dossierID string) bool {
	d, err := repo.Get(ctx, dossierID)
	if err != nil {
		return false
	}
	owner, err := access.IsOwner(ctx, p, d.CandidateID())
	return err == nil && owner
}
