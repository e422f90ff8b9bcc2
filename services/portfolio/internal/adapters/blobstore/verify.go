package blobstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

// verifyWholeMax is the largest content Open reads and checks whole before
// returning it: a client then gets a clean error instead of a download cut
// short. Larger contents are checked while they stream.
const verifyWholeMax = 1 << 20

// Open returns a reader of the content with this hex SHA-256 and size.
// What it returns is checked against both, and a content found missing,
// of another size or with other bytes gives dossier.ErrContentDamaged
// (DATA_LOSS, reason BLOB_INTEGRITY; the cause, for the logs, says what
// was found), never the damaged bytes:
//
//   - a missing content or a size that differs (the mark of a file cut
//     short) is reported by Open itself, before anything is sent;
//   - a content of up to 1 MiB is read and checked whole by Open too;
//   - a larger one is checked while it streams, and the reader holds its
//     last byte back until the hash matched: a client never receives a
//     complete-looking damaged file, its download fails short of the end
//     (gRPC: the stream ends with DATA_LOSS; REST: the connection closes
//     before Content-Length bytes).
func (s *Store) Open(ctx context.Context, sum string, size int64) (io.ReadCloser, error) {
	key, err := contentKey(sum)
	if err != nil {
		return nil, err
	}
	r, err := s.bucket.NewReader(ctx, key, nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, s.fail(opVerify, damaged(sum, ErrNotFound))
	}
	if err != nil {
		return nil, s.fail(opRead, fmt.Errorf("blobstore: open %s: %w", key, err))
	}
	if r.Size() != size {
		_ = r.Close()
		return nil, s.fail(opVerify, damaged(sum, fmt.Errorf("blobstore: %s holds %d bytes, want %d", key, r.Size(), size)))
	}
	v := &verifier{store: s, r: r, key: key, want: sum, remaining: size, hash: sha256.New()}
	if size > verifyWholeMax {
		return v, nil
	}
	defer v.Close()
	data, err := io.ReadAll(v)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// damaged is the error of a content found missing or different.
func damaged(sum string, cause error) error {
	return dossier.ErrContentDamaged.WithMeta("sha256", sum).WithCause(cause)
}

// verifier reads a content, hashing it, and returns its last byte only
// once the whole content matched its size and SHA-256.
type verifier struct {
	store     *Store
	r         *blob.Reader
	key, want string
	remaining int64 // bytes still to return
	hash      hash.Hash
	err       error // sticky: a damaged content stays damaged
}

func (v *verifier) Read(p []byte) (int, error) {
	switch {
	case v.err != nil:
		return 0, v.err
	case len(p) == 0:
		return 0, nil
	case v.remaining == 0:
		return 0, io.EOF
	case v.remaining > 1:
		// Everything but the last byte passes through as it is hashed.
		n, err := v.r.Read(p[:min(int64(len(p)), v.remaining-1)])
		v.hash.Write(p[:n])
		v.remaining -= int64(n)
		if errors.Is(err, io.EOF) {
			return n, v.fail(fmt.Errorf("blobstore: %s ended %d bytes early", v.key, v.remaining))
		}
		if err != nil {
			return n, v.store.fail(opRead, fmt.Errorf("blobstore: read %s: %w", v.key, err))
		}
		return n, nil
	}
	// The last byte: it is returned only when nothing follows it and the
	// whole content hashes to its name.
	var last, extra [1]byte
	if _, err := io.ReadFull(v.r, last[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return 0, v.fail(fmt.Errorf("blobstore: %s ended 1 byte early", v.key))
		}
		return 0, v.store.fail(opRead, fmt.Errorf("blobstore: read %s: %w", v.key, err))
	}
	v.hash.Write(last[:])
	if n, _ := io.ReadFull(v.r, extra[:]); n > 0 {
		return 0, v.fail(fmt.Errorf("blobstore: %s is longer than its size", v.key))
	}
	if got := hex.EncodeToString(v.hash.Sum(nil)); got != v.want {
		return 0, v.fail(fmt.Errorf("blobstore: %s hashes to %s", v.key, got))
	}
	v.remaining = 0
	p[0] = last[0]
	return 1, nil
}

func (v *verifier) fail(cause error) error {
	v.err = v.store.fail(opVerify, damaged(v.want, cause))
	return v.err
}

func (v *verifier) Close() error { return v.r.Close() }
