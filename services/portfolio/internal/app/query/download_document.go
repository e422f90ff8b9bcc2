package query

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

// DownloadDocument names a document of a dossier, in a snapshot when
// SnapshotID is set.
type DownloadDocument struct {
	DossierID  string
	DocumentID string
	SnapshotID string
}

// DownloadDocumentHandler handles DownloadDocument.
type DownloadDocumentHandler struct {
	repo     dossier.Repository
	access   authz.Access
	contents dossier.Contents
}

// NewDownloadDocumentHandler returns the handler.
func NewDownloadDocumentHandler(repo dossier.Repository, access authz.Access, contents dossier.Contents) DownloadDocumentHandler {
	return DownloadDocumentHandler{repo: repo, access: access, contents: contents}
}

// Handle returns the document's metadata and a reader of its content,
// which the caller closes. Without a snapshot, the document is looked up
// in the draft (owner, ministry, admin), then in the snapshots of the
// dossier that hold it and that the caller may read: a juror downloads a
// snapshot's document by the same route, and the owner keeps access to a
// document deleted from the draft but submitted before.
func (h DownloadDocumentHandler) Handle(ctx context.Context, q DownloadDocument) (dossier.Document, io.ReadCloser, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return dossier.Document{}, nil, err
	}
	doc, err := h.find(ctx, p, q)
	if err != nil {
		return dossier.Document{}, nil, err
	}
	r, err := h.contents.Open(ctx, doc.SHA256, doc.Size)
	if err != nil {
		return dossier.Document{}, nil, fmt.Errorf("download document %s: content %s: %w", doc.ID, doc.SHA256, err)
	}
	return doc, r, nil
}

func (h DownloadDocumentHandler) find(ctx context.Context, p auth.Principal, q DownloadDocument) (dossier.Document, error) {
	if q.SnapshotID != "" {
		s, err := h.repo.Snapshot(ctx, q.DossierID, q.SnapshotID)
		if err != nil {
			return dossier.Document{}, authz.Hide(p, err, ownsDossier(ctx, h.repo, h.access, p, q.DossierID))
		}
		if err := h.access.ReadsSnapshot(ctx, p, s); err != nil {
			return dossier.Document{}, err
		}
		doc, ok := s.Document(q.DocumentID)
		if !ok {
			return dossier.Document{}, dossier.ErrDocumentNotFound
		}
		return doc, nil
	}
	d, err := h.repo.Get(ctx, q.DossierID)
	if err != nil {
		return dossier.Document{}, authz.Hide(p, err, false)
	}
	draftErr := h.access.ReadsDraft(ctx, p, d)
	if draftErr != nil && !errors.Is(draftErr, authz.ErrDenied) {
		return dossier.Document{}, draftErr
	}
	if draftErr == nil {
		if doc, ok := d.Document(q.DocumentID); ok {
			return doc, nil
		}
	}
	snapshots, err := h.repo.SnapshotsWithDocument(ctx, q.DossierID, q.DocumentID)
	if err != nil {
		return dossier.Document{}, err
	}
	for _, s := range snapshots {
		err := h.access.ReadsSnapshot(ctx, p, s)
		if err == nil {
			doc, _ := s.Document(q.DocumentID)
			return doc, nil
		}
		if apperr.KindOf(err) != apperr.KindPermissionDenied {
			return dossier.Document{}, err
		}
	}
	if draftErr == nil {
		return dossier.Document{}, dossier.ErrDocumentNotFound
	}
	return dossier.Document{}, authz.ErrDenied
}
