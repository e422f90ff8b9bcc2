package dossier

import (
	"context"
	"io"
	"time"
)

// Repository persists dossiers and their snapshots.
type Repository interface {
	// Create stores d, unless key names a request the same caller already
	// made: then it returns the dossier that request created if the
	// request hash matches, or ErrRequestIDReused. A second dossier for the
	// same candidate and title version gives ErrAlreadyExists.
	Create(ctx context.Context, d *Dossier, key RequestKey) (*Dossier, error)
	// Get returns the dossier with this id, or ErrNotFound.
	Get(ctx context.Context, id string) (*Dossier, error)
	// List returns up to q.Limit dossiers matching q, oldest first.
	List(ctx context.Context, q ListQuery) ([]*Dossier, error)
	// Update loads the dossier with a lock that serialises the changes of
	// one dossier, applies fn and, if fn changed its version, saves it. If
	// fn fails nothing is written. fn runs inside the transaction, so that
	// work it does besides (such as making an uploaded file permanent)
	// happens only when the change is accepted. It returns the dossier as
	// stored.
	Update(ctx context.Context, id string, fn func(d *Dossier) error) (*Dossier, error)
	// Submit loads the dossier like Update and stores the snapshot fn
	// returns together with its DossierSubmitted event, atomically. When
	// key names a request the same caller already made, it returns the
	// snapshot that request created if the hash matches, or
	// ErrRequestIDReused, without calling fn.
	Submit(ctx context.Context, dossierID string, key RequestKey, fn func(d *Dossier) (*Snapshot, error)) (*Snapshot, error)
	// Snapshot returns a snapshot of a dossier, or ErrSnapshotNotFound.
	Snapshot(ctx context.Context, dossierID, snapshotID string) (*Snapshot, error)
	// Snapshots returns up to q.Limit snapshots matching q, oldest first.
	Snapshots(ctx context.Context, q SnapshotQuery) ([]*Snapshot, error)
	// SnapshotsWithDocument returns the snapshots of a dossier that hold
	// the document, oldest first.
	SnapshotsWithDocument(ctx context.Context, dossierID, documentID string) ([]*Snapshot, error)
}

// RequestKey makes a create or a submission idempotent (AIP-155): a
// request is identified by its caller and request id; RequestHash
// fingerprints its content.
type RequestKey struct {
	CreatedBy   string // subject of the caller
	RequestID   string // empty: not idempotent
	RequestHash string
}

// Cursor is a position in the (creation time, id) order.
type Cursor struct {
	CreatedAt time.Time
	ID        string
}

// ListQuery selects dossiers. Empty filters match everything.
type ListQuery struct {
	CandidateID string
	After       *Cursor
	Limit       int
}

// SnapshotQuery selects snapshots. Empty filters match everything.
type SnapshotQuery struct {
	DossierID   string
	CandidateID string
	SessionID   string
	// ExceptCandidates leaves out the snapshots of these candidates (those
	// a recused juror may not read, R21).
	ExceptCandidates []string
	After            *Cursor
	Limit            int
}

// Contents stores the contents of documents, each once under its SHA-256
// (an outbound port; see adapters/blobstore).
type Contents interface {
	// NewUpload starts writing a content under a temporary name.
	NewUpload(ctx context.Context) (PendingContent, error)
	// Open reads the content with this hex SHA-256 and size. The reader
	// checks both: a content found missing or damaged gives
	// ErrContentDamaged, before its last byte is returned.
	Open(ctx context.Context, sha256 string, size int64) (io.ReadCloser, error)
}

// PendingContent is a content being uploaded: written, then finished,
// inspected, and committed under its hash or aborted (nothing kept).
type PendingContent interface {
	io.Writer
	// Size and SHA256 describe the bytes written so far.
	Size() int64
	SHA256() string
	// Finish completes the temporary content so that ReaderAt reads it.
	Finish() error
	ReaderAt(ctx context.Context) io.ReaderAt
	// Commit keeps the content under its hash; Abort removes whatever was
	// written and is safe after Commit and more than once.
	Commit(ctx context.Context) error
	Abort(ctx context.Context) error
}
