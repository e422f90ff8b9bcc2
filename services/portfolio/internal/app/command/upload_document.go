package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/filetype"
)

// UploadDocument attaches the bytes of Content to a dossier. Content is
// read once, to its end; an error from it aborts the upload.
type UploadDocument struct {
	DossierID string
	FileName  string
	Kind      dossier.Kind
	Content   io.Reader
}

// UploadLimits bound uploads.
type UploadLimits struct {
	Dossier dossier.Limits
	Inspect filetype.Limits
}

// UploadDocumentHandler handles UploadDocument.
type UploadDocumentHandler struct {
	repo     dossier.Repository
	access   authz.Access
	contents dossier.Contents
	limits   UploadLimits
	now      func() time.Time
}

// NewUploadDocumentHandler returns the handler.
func NewUploadDocumentHandler(repo dossier.Repository, access authz.Access, contents dossier.Contents,
	limits UploadLimits, now func() time.Time,
) UploadDocumentHandler {
	return UploadDocumentHandler{repo: repo, access: access, contents: contents, limits: limits, now: now}
}

// copyBufferSize is the unit of the copy to the store: the size of an
// upload chunk, so that memory stays flat whatever the file size.
const copyBufferSize = 64 << 10

// Handle streams the content to a temporary blob, computing its SHA-256
// and size on the way, and checks it:
//
//   - the caller owns the dossier: checked before a byte is read;
//   - the per-file and per-dossier limits: the stream is cut as soon as it
//     goes over (ResourceExhausted);
//   - the type, from the first bytes (a renamed executable is refused at
//     once) and then from the whole file (filetype.Inspect);
//   - not empty.
//
// Only then is the content made permanent under its hash, in the
// transaction that adds the document to the dossier. Every refusal leaves
// nothing: the temporary blob is removed and no row is written.
func (h UploadDocumentHandler) Handle(ctx context.Context, cmd UploadDocument) (*dossier.Dossier, dossier.Document, error) {
	var v apperr.Violations
	name := strings.TrimSpace(cmd.FileName)
	switch {
	case name == "":
		v.Add("metadata.file_name", "required")
	case len(cmd.FileName) > dossier.MaxRawFileName:
		v.Add("metadata.file_name", fmt.Sprintf("must be at most %d bytes long", dossier.MaxRawFileName))
	}
	if !cmd.Kind.Valid() {
		v.Add("metadata.kind", "required: ILLUSTRATIVE, ANNEX or EVIDENCE")
	}
	if err := v.Err(); err != nil {
		return nil, dossier.Document{}, err
	}
	_, d, err := ownDossier(ctx, h.repo, h.access, cmd.DossierID)
	if err != nil {
		return nil, dossier.Document{}, err
	}
	limit, over, err := h.room(d)
	if err != nil {
		return nil, dossier.Document{}, err
	}

	up, err := h.contents.NewUpload(ctx)
	if err != nil {
		return nil, dossier.Document{}, err
	}
	kept := false
	defer func() {
		if !kept {
			// Whatever happened to the call, remove what was written.
			_ = up.Abort(context.WithoutCancel(ctx))
		}
	}()
	if err := copyChecked(up, cmd.Content, limit, over); err != nil {
		return nil, dossier.Document{}, err
	}
	if up.Size() == 0 {
		return nil, dossier.Document{}, dossier.ErrDocumentEmpty
	}
	if err := up.Finish(); err != nil {
		return nil, dossier.Document{}, err
	}
	contentType, err := filetype.Inspect(up.ReaderAt(ctx), up.Size(), h.limits.Inspect)
	if err != nil {
		return nil, dossier.Document{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, dossier.Document{}, fmt.Errorf("upload document: new id: %w", err)
	}
	doc := dossier.Document{
		ID: id.String(), FileName: dossier.SanitizeFileName(name), ContentType: contentType,
		Size: up.Size(), SHA256: up.SHA256(), Kind: cmd.Kind,
	}
	stored, err := h.repo.Update(ctx, cmd.DossierID, func(d *dossier.Dossier) error {
		if err := d.AddDocument(doc, h.limits.Dossier, h.now()); err != nil {
			return err
		}
		// Inside the transaction: the content is kept only when the
		// document is accepted (a concurrent upload may have filled the
		// dossier meanwhile).
		return up.Commit(ctx)
	})
	if err != nil {
		return nil, dossier.Document{}, err
	}
	kept = true
	added, _ := stored.Document(doc.ID)
	return stored, added, nil
}

// room returns how many bytes the next document of d may have, and the
// error to give when it has more.
func (h UploadDocumentHandler) room(d *dossier.Dossier) (int64, *apperr.Error, error) {
	l := h.limits.Dossier
	if l.MaxDocuments > 0 && len(d.Documents()) >= l.MaxDocuments {
		return 0, nil, dossier.ErrTooManyDocuments
	}
	remaining := l.MaxDossierBytes - d.TotalDocumentBytes()
	if l.MaxDossierBytes > 0 && remaining <= 0 {
		return 0, nil, dossier.ErrDossierTooLarge
	}
	switch {
	case l.MaxDossierBytes > 0 && (l.MaxDocumentBytes <= 0 || remaining < l.MaxDocumentBytes):
		return remaining, dossier.ErrDossierTooLarge, nil
	case l.MaxDocumentBytes > 0:
		return l.MaxDocumentBytes, dossier.ErrDocumentTooLarge, nil
	default:
		return -1, nil, nil
	}
}

// copyChecked copies src to dst, refusing with over as soon as more than
// limit bytes arrive (limit < 0: no limit), and with ErrNotAllowed as soon
// as the first bytes show a type that is not allowed.
func copyChecked(dst io.Writer, src io.Reader, limit int64, over *apperr.Error) error {
	buf := make([]byte, copyBufferSize)
	head := make([]byte, 0, filetype.HeadSize)
	var total int64
	for {
		n, rerr := src.Read(buf)
		if n > 0 {
			total += int64(n)
			if limit >= 0 && total > limit {
				return over.WithMeta("max_bytes", fmt.Sprint(limit))
			}
			if len(head) < filetype.HeadSize {
				head = append(head, buf[:min(n, filetype.HeadSize-len(head))]...)
				if len(head) == filetype.HeadSize {
					if err := filetype.Head(head); err != nil {
						return err
					}
				}
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				return err
			}
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if len(head) > 0 && len(head) < filetype.HeadSize {
		return filetype.Head(head)
	}
	return nil
}
