package blobstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/s3test"
	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/blobstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

func openFile(t *testing.T) (*blobstore.Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "blobs")
	s, err := blobstore.Open(context.Background(), "file://"+dir, blobstore.Options{})
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, dir
}

// openS3 opens a store on a fresh bucket of an S3 server (versitygw,
// internal/s3test) started for the test.
func openS3(t *testing.T, o blobstore.Options) (*blobstore.Store, *s3test.Server) {
	t.Helper()
	srv := s3test.Start(t)
	s, err := blobstore.Open(context.Background(), srv.BlobURL, o)
	if err != nil {
		t.Fatalf("Open(%s) = %v", srv.BlobURL, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, srv
}

// stores returns a store of each kind: the same contract holds for all.
func stores(t *testing.T) map[string]*blobstore.Store {
	t.Helper()
	file, _ := openFile(t)
	mem, err := blobstore.Open(context.Background(), "mem://", blobstore.Options{})
	if err != nil {
		t.Fatalf("Open(mem) = %v", err)
	}
	t.Cleanup(func() { _ = mem.Close() })
	s3, _ := openS3(t, blobstore.Options{})
	return map[string]*blobstore.Store{"file": file, "mem": mem, "s3": s3}
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func write(t *testing.T, s *blobstore.Store, content []byte) dossier.PendingContent {
	t.Helper()
	ctx := context.Background()
	u, err := s.NewUpload(ctx)
	if err != nil {
		t.Fatalf("NewUpload() = %v", err)
	}
	// Several writes, as the chunks of a stream.
	for chunk := range slices.Chunk(content, 1000) {
		if _, err := u.Write(chunk); err != nil {
			t.Fatalf("Write() = %v", err)
		}
	}
	if err := u.Finish(); err != nil {
		t.Fatalf("Finish() = %v", err)
	}
	return u
}

func keys(t *testing.T, s *blobstore.Store) []string {
	t.Helper()
	k, err := s.Keys(context.Background())
	if err != nil {
		t.Fatalf("Keys() = %v", err)
	}
	return k
}

func TestUploadCommitStoresByHash(t *testing.T) {
	t.Parallel()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			content := bytes.Repeat([]byte("portfolio "), 20000) // 200 kB: several read blocks
			u := write(t, s, content)
			if u.Size() != int64(len(content)) || u.SHA256() != hexSum(content) {
				t.Fatalf("size %d sha %s; want %d %s", u.Size(), u.SHA256(), len(content), hexSum(content))
			}
			// The temporary blob reads back at any offset, across blocks.
			got := make([]byte, 300)
			if _, err := u.ReaderAt(ctx).ReadAt(got, 65536-150); err != nil {
				t.Fatalf("ReadAt() = %v", err)
			}
			if !bytes.Equal(got, content[65536-150:65536+150]) {
				t.Errorf("ReadAt across a block boundary returned other bytes")
			}
			tail := make([]byte, 10)
			if n, err := u.ReaderAt(ctx).ReadAt(tail, int64(len(content))-5); n != 5 || !errors.Is(err, io.EOF) {
				t.Errorf("ReadAt past the end = %d, %v; want 5, EOF", n, err)
			}
			if err := u.Commit(ctx); err != nil {
				t.Fatalf("Commit() = %v", err)
			}
			if k := keys(t, s); !slices.Equal(k, []string{"sha256/" + hexSum(content)}) {
				t.Errorf("keys after commit = %v; want only the content key", k)
			}
			r, err := s.Open(ctx, hexSum(content), int64(len(content)))
			if err != nil {
				t.Fatalf("Open() = %v", err)
			}
			defer r.Close()
			stored, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(stored, content) {
				t.Errorf("stored content differs (%v)", err)
			}

			// The same content again is stored once.
			again := write(t, s, content)
			if err := again.Commit(ctx); err != nil {
				t.Fatalf("Commit(again) = %v", err)
			}
			if n := len(keys(t, s)); n != 1 {
				t.Errorf("keys after a duplicate = %d; want 1", n)
			}
			if err := again.Abort(ctx); err != nil {
				t.Errorf("Abort after Commit = %v; want nil", err)
			}
			if n := len(keys(t, s)); n != 1 {
				t.Errorf("Abort after Commit removed the content")
			}
		})
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	t.Parallel()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			finished := write(t, s, []byte("finished then refused"))
			if err := finished.Abort(ctx); err != nil {
				t.Fatalf("Abort(finished) = %v", err)
			}
			open, err := s.NewUpload(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := open.Write([]byte("cut off while streaming")); err != nil {
				t.Fatal(err)
			}
			if err := open.Abort(ctx); err != nil {
				t.Fatalf("Abort(open) = %v", err)
			}
			if err := open.Abort(ctx); err != nil {
				t.Errorf("second Abort = %v", err)
			}
			if k := keys(t, s); len(k) != 0 {
				t.Errorf("keys after aborts = %v; want none", k)
			}
			aborted := []byte("finished then refused")
			if _, err := s.Open(ctx, hexSum(aborted), int64(len(aborted))); !errors.Is(err, blobstore.ErrNotFound) || !errors.Is(err, dossier.ErrContentDamaged) {
				t.Errorf("Open(aborted) = %v; want ErrContentDamaged caused by ErrNotFound", err)
			}
		})
	}
}

func TestFileStoreKeepsEverythingInsideItsFolder(t *testing.T) {
	t.Parallel()
	s, dir := openFile(t)
	ctx := context.Background()
	u, err := s.NewUpload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Write([]byte("%PDF-1.4 partial")); err != nil {
		t.Fatal(err)
	}
	// While streaming, the partial file is inside the folder, not in /tmp.
	var partial []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			partial = append(partial, p)
		}
		return nil
	})
	if len(partial) != 1 || !strings.HasPrefix(partial[0], filepath.Join(dir, "tmp")) {
		t.Errorf("files while streaming = %v; want one under %s/tmp", partial, dir)
	}
	if err := u.Finish(); err != nil {
		t.Fatal(err)
	}
	if err := u.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o700 {
		t.Errorf("folder mode = %v; want 0700", info.Mode().Perm())
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if !d.IsDir() && fi.Mode().Perm()&0o111 != 0 {
			t.Errorf("%s is executable (%v)", p, fi.Mode())
		}
		if strings.HasSuffix(p, ".attrs") {
			t.Errorf("metadata side file %s written", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesBadURLsAndKeys(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"gs://bucket", "s3://", "s3://bucket?unknown=1", "file://", "file:///x?create_dir=1", "::"} {
		if _, err := blobstore.Open(context.Background(), u, blobstore.Options{}); err == nil {
			t.Errorf("Open(%q) = nil error", u)
		}
	}
	s, _ := openFile(t)
	if _, err := s.Open(context.Background(), "../../etc/passwd", 1); err == nil || errors.Is(err, blobstore.ErrNotFound) {
		t.Errorf("Open(path) = %v; want a refusal", err)
	}
}

func TestFileDir(t *testing.T) {
	t.Parallel()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ url, want string }{
		{"file://var/blobs", filepath.Join(wd, "var", "blobs")},
		{"file://./data/blobs", filepath.Join(wd, "data", "blobs")},
		{"file:///srv/titrepro/blobs", "/srv/titrepro/blobs"},
		{"file://localhost/srv/blobs", "/srv/blobs"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		got, err := blobstore.FileDir(u)
		if err != nil || got != tt.want {
			t.Errorf("FileDir(%q) = %q, %v; want %q", tt.url, got, err, tt.want)
		}
	}
}
