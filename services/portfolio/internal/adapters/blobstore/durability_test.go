package blobstore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/s3test"
	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/blobstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

// A committed content is on disk before Commit returns: the temporary
// file is flushed while it still has its temporary name, then the folder
// that holds the content's name. The upload commits the document's row
// after Commit, so no row can name a file a power cut has cut short.
func TestFileCommitFlushesTheFileThenItsFolderBeforeReturning(t *testing.T) {
	t.Parallel()
	s, dir := openFile(t)
	content := []byte("%PDF-1.4 evidence that must survive a power cut")
	final := filepath.Join(dir, "sha256", hexSum(content))
	var synced []string
	blobstore.RecordSyncs(s, func(path string) {
		if strings.HasPrefix(path, filepath.Join(dir, "tmp")+string(filepath.Separator)) {
			if _, err := os.Stat(final); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the content's name exists before its bytes are flushed (%v)", err)
			}
		}
		synced = append(synced, path)
	})
	u := write(t, s, content)
	if len(synced) != 0 {
		t.Fatalf("flushed before Commit: %v", synced)
	}
	if err := u.Commit(context.Background()); err != nil {
		t.Fatalf("Commit() = %v", err)
	}
	if len(synced) != 2 || !strings.HasPrefix(synced[0], filepath.Join(dir, "tmp")) || synced[1] != filepath.Join(dir, "sha256") {
		t.Fatalf("flushed %v; want the temporary file, then %s", synced, filepath.Join(dir, "sha256"))
	}
	if got, err := os.ReadFile(final); err != nil || !bytes.Equal(got, content) {
		t.Fatalf("stored file = %q, %v", got, err)
	}
	if k := keys(t, s); !slices.Equal(k, []string{"sha256/" + hexSum(content)}) {
		t.Errorf("keys after commit = %v; want only the content key", k)
	}
}

// damageable is a store whose stored contents a test replaces (nil:
// removes) the way a failing disk or an operator would: in the file store
// on disk, in the object store through the S3 API.
type damageable struct {
	store  *blobstore.Store
	damage func(t *testing.T, sum string, b []byte)
}

// openDamageable opens a store of this kind ("file" or "s3"); an s3 store
// is a fresh bucket of srv.
func openDamageable(t *testing.T, kind string, srv *s3test.Server) damageable {
	t.Helper()
	if kind == "file" {
		s, dir := openFile(t)
		return damageable{s, func(t *testing.T, sum string, b []byte) {
			t.Helper()
			path := filepath.Join(dir, "sha256", sum)
			err := os.Remove(path)
			if b != nil {
				err = os.WriteFile(path, b, 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
		}}
	}
	s, err := blobstore.Open(context.Background(), srv.NewBucket(t), blobstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return damageable{s, func(t *testing.T, sum string, b []byte) {
		t.Helper()
		bucket, key := blobstore.Bucket(s), "sha256/"+sum
		err := bucket.Delete(context.Background(), key)
		if b != nil {
			err = bucket.WriteAll(context.Background(), key, b, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
	}}
}

// A content found missing, cut short, longer or changed in the store is
// reported as ErrContentDamaged, never returned as content: small ones by
// Open itself, large ones before their last byte.
func TestOpenReportsDamagedContent(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	small := []byte("%PDF-1.4 small evidence")
	large := bytes.Repeat([]byte("0123456789abcdef"), (3<<20)/16) // 3 MiB: checked while streaming
	flip := func(at func(n int) int) func([]byte) []byte {
		return func(b []byte) []byte {
			b = slices.Clone(b)
			b[at(len(b))] ^= 0x20
			return b
		}
	}
	tests := []struct {
		name    string
		content []byte
		damage  func([]byte) []byte // nil: the content is removed
		atOpen  bool                // reported by Open rather than by the reader
	}{
		{"small, missing", small, nil, true},
		{"small, cut short", small, func(b []byte) []byte { return b[:len(b)/2] }, true},
		{"small, longer", small, func(b []byte) []byte { return append(slices.Clone(b), 'x') }, true},
		{"small, one byte changed", small, flip(func(n int) int { return n / 2 }), true},
		{"large, cut short", large, func(b []byte) []byte { return b[:len(b)-1] }, true},
		{"large, first byte changed", large, flip(func(int) int { return 0 }), false},
		{"large, last byte changed", large, flip(func(n int) int { return n - 1 }), false},
	}
	for _, kind := range []string{"file", "s3"} {
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				d := openDamageable(t, kind, srv)
				ctx := context.Background()
				if err := write(t, d.store, tt.content).Commit(ctx); err != nil {
					t.Fatal(err)
				}
				var damaged []byte
				if tt.damage != nil {
					damaged = tt.damage(tt.content)
				}
				d.damage(t, hexSum(tt.content), damaged)

				r, err := d.store.Open(ctx, hexSum(tt.content), int64(len(tt.content)))
				if tt.atOpen {
					if !errors.Is(err, dossier.ErrContentDamaged) {
						t.Fatalf("Open() = %v; want ErrContentDamaged", err)
					}
					return
				}
				if err != nil {
					t.Fatalf("Open() = %v; want the damage found while reading", err)
				}
				defer r.Close()
				got, err := io.ReadAll(r)
				if !errors.Is(err, dossier.ErrContentDamaged) {
					t.Fatalf("read = %v; want ErrContentDamaged", err)
				}
				if len(got) >= len(tt.content) {
					t.Fatalf("read %d bytes of %d before the error; want the last one held back", len(got), len(tt.content))
				}
				// The error stays: a second read gives no more bytes.
				if n, err := r.Read(make([]byte, 10)); n != 0 || !errors.Is(err, dossier.ErrContentDamaged) {
					t.Errorf("read after the error = %d, %v", n, err)
				}
			})
		}
	}
}

// An intact large content streams whole; uploading a damaged content again
// repairs the stored copy.
func TestLargeContentStreamsAndReuploadRepairs(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	for _, kind := range []string{"file", "s3"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			d := openDamageable(t, kind, srv)
			ctx := context.Background()
			content := bytes.Repeat([]byte("evidence "), (2<<20)/9)
			if err := write(t, d.store, content).Commit(ctx); err != nil {
				t.Fatal(err)
			}
			read := func() ([]byte, error) {
				r, err := d.store.Open(ctx, hexSum(content), int64(len(content)))
				if err != nil {
					return nil, err
				}
				defer r.Close()
				return io.ReadAll(r)
			}
			if got, err := read(); err != nil || !bytes.Equal(got, content) {
				t.Fatalf("read intact = %d bytes, %v", len(got), err)
			}
			d.damage(t, hexSum(content), content[:100])
			if _, err := read(); !errors.Is(err, dossier.ErrContentDamaged) {
				t.Fatalf("read damaged = %v", err)
			}
			if err := write(t, d.store, content).Commit(ctx); err != nil {
				t.Fatal(err)
			}
			if got, err := read(); err != nil || !bytes.Equal(got, content) {
				t.Fatalf("read repaired = %d bytes, %v", len(got), err)
			}
		})
	}
}
