package blobstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/google/uuid"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

// Upload is a content being written under a temporary key. Write it, call
// Finish, inspect it through ReaderAt, then Commit or Abort. It is not safe
// for concurrent use.
type Upload struct {
	store  *Store
	key    string
	w      *blob.Writer
	cancel context.CancelFunc
	hash   hash.Hash
	size   int64
	done   bool // Finish succeeded: the temporary blob exists
	closed bool // committed or aborted
}

// NewUpload starts an upload under a fresh temporary key.
func (s *Store) NewUpload(ctx context.Context) (dossier.PendingContent, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("blobstore: new key: %w", err)
	}
	key := tmpPrefix + "/" + id.String()
	// The writer gets its own context: cancelling it before Close is how
	// gocloud aborts a write, leaving nothing under the key.
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w, err := s.bucket.NewWriter(wctx, key, &blob.WriterOptions{ContentType: "application/octet-stream"})
	if err != nil {
		cancel()
		return nil, s.fail(opWrite, fmt.Errorf("blobstore: write %s: %w", key, err))
	}
	return &Upload{store: s, key: key, w: w, cancel: cancel, hash: sha256.New()}, nil
}

// Write appends p to the content and to its hash.
func (u *Upload) Write(p []byte) (int, error) {
	if u.done || u.closed {
		return 0, errors.New("blobstore: write after Finish")
	}
	n, err := u.w.Write(p)
	u.hash.Write(p[:n])
	u.size += int64(n)
	if err != nil {
		return n, u.store.fail(opWrite, fmt.Errorf("blobstore: write %s: %w", u.key, err))
	}
	return n, nil
}

// Size returns the number of bytes written.
func (u *Upload) Size() int64 { return u.size }

// SHA256 returns the hex SHA-256 of the bytes written.
func (u *Upload) SHA256() string { return hex.EncodeToString(u.hash.Sum(nil)) }

// Finish completes the temporary blob, which ReaderAt can then read.
func (u *Upload) Finish() error {
	if u.done {
		return nil
	}
	err := u.w.Close()
	u.cancel()
	if err != nil {
		return u.store.fail(opWrite, fmt.Errorf("blobstore: finish %s: %w", u.key, err))
	}
	u.done = true
	return nil
}

// ReaderAt reads the finished temporary blob.
func (u *Upload) ReaderAt(ctx context.Context) io.ReaderAt {
	return &blockReader{ctx: ctx, store: u.store, key: u.key, size: u.size}
}

// Commit makes the finished content permanent under its hash and removes
// the temporary blob. In a file store the content is on disk when Commit
// returns (see promote); in an object store the server acknowledged the
// copy under the hash. The caller commits the rows naming it only then.
// The content is written under its hash even when it is stored already: in
// an object store one copy costs no more than a look-up followed by a copy,
// and, as in the file store, it repairs a damaged copy.
func (u *Upload) Commit(ctx context.Context) error {
	if !u.done || u.closed {
		return errors.New("blobstore: commit of an unfinished or closed upload")
	}
	sum := u.SHA256()
	key, err := contentKey(sum)
	if err != nil {
		return err
	}
	if u.store.dir != "" {
		if err := u.store.promote(u.key, key); err != nil {
			return u.store.fail(opCommit, err)
		}
		u.closed = true
		return nil
	}
	if err := u.store.bucket.Copy(ctx, key, u.key, nil); err != nil {
		return u.store.fail(opCommit, fmt.Errorf("blobstore: store %s: %w", key, err))
	}
	u.closed = true
	if err := u.store.bucket.Delete(ctx, u.key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return u.store.fail(opDelete, fmt.Errorf("blobstore: remove %s: %w", u.key, err))
	}
	return nil
}

// Abort removes whatever the upload wrote. It is safe to call after
// Commit (then it does nothing) and more than once.
func (u *Upload) Abort(ctx context.Context) error {
	if u.closed {
		return nil
	}
	u.closed = true
	if !u.done {
		u.cancel() // aborts the write: gocloud removes its temporary file
		_ = u.w.Close()
		return nil
	}
	if err := u.store.bucket.Delete(ctx, u.key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return u.store.fail(opDelete, fmt.Errorf("blobstore: remove %s: %w", u.key, err))
	}
	return nil
}

// blockSize is the unit of blockReader's reads: the archive inspection
// reads the central directory in small steps, which would otherwise open
// the blob once per step.
const blockSize = 64 << 10

// blockReader is an io.ReaderAt over a blob that keeps the last block read.
type blockReader struct {
	ctx   context.Context
	store *Store
	key   string
	size  int64

	blockOff int64
	block    []byte
}

func (r *blockReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("blobstore: negative offset")
	}
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		if pos >= r.size {
			return n, io.EOF
		}
		if r.block == nil || pos < r.blockOff || pos >= r.blockOff+int64(len(r.block)) {
			if err := r.load(pos - pos%blockSize); err != nil {
				return n, err
			}
		}
		n += copy(p[n:], r.block[pos-r.blockOff:])
	}
	return n, nil
}

func (r *blockReader) load(off int64) error {
	length := min(int64(blockSize), r.size-off)
	rr, err := r.store.bucket.NewRangeReader(r.ctx, r.key, off, length, nil)
	if err != nil {
		return r.store.fail(opRead, fmt.Errorf("blobstore: read %s: %w", r.key, err))
	}
	defer rr.Close()
	if cap(r.block) < int(length) {
		r.block = make([]byte, length)
	}
	r.block = r.block[:length]
	if _, err := io.ReadFull(rr, r.block); err != nil {
		r.block = nil
		return r.store.fail(opRead, fmt.Errorf("blobstore: read %s: %w", r.key, err))
	}
	r.blockOff = off
	return nil
}
