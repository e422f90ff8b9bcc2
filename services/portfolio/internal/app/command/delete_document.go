package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

// DeleteDocument removes a document from the draft of a dossier. Etag,
// when set, must be the dossier's current etag.
type DeleteDocument struct {
	DossierID  string
	DocumentID string
	Etag       string
}

// DeleteDocumentHandler handles DeleteDocument.
type DeleteDocumentHandler struct {
	repo   dossier.Repository
	access authz.Access
	now    func() time.Time
}

// NewDeleteDocumentHandler returns the handler.
func NewDeleteDocumentHandler(repo dossier.Repository, access authz.Access, now func() time.Time) DeleteDocumentHandler {
	return DeleteDocumentHandler{repo: repo, access: access, now: now}
}

// Handle removes the document and returns the dossier as stored. The
// content stays in the store: snapshots may name it, and contents are
// shared by hash.
func (h DeleteDocumentHandler) Handle(ctx context.Context, cmd DeleteDocument) (*dossier.Dossier, error) {
	if _, _, err := ownDossier(ctx, h.repo, h.access, cmd.DossierID); err != nil {
		return nil, err
	}
	return h.repo.Update(ctx, cmd.DossierID, func(d *dossier.Dossier) error {
		if cmd.Etag != "" {
			if err := d.CheckEtag(cmd.Etag); err != nil {
				return err
			}
		}
		return d.RemoveDocument(cmd.DocumentID, h.now())
	})
}
