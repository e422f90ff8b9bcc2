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

// A content found missing, cut short, longer or changed on disk is
// reported as ErrContentDamaged, never returned as content: small ones by
// Open itself, large ones before their last byte.
func TestOpenReportsDamagedContent(t *testing.T) {
	t.Parallel()
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
		damage  func([]byte) []byte // nil: the file is removed
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
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, dir := openFile(t)
			ctx := context.Background()
			if err := write(t, s, tt.content).Commit(ctx); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "sha256", hexSum(tt.content))
			if tt.damage == nil {
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(path, tt.damage(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}

			r, err := s.Open(ctx, hexSum(tt.content), int64(len(tt.content)))
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

// An intact large content streams whole; uploading a damaged content again
// repairs the stored copy.
func TestLargeContentStreamsAndReuploadRepairs(t *testing.T) {
	t.Parallel()
	s, dir := openFile(t)
	ctx := context.Background()
	content := bytes.Repeat([]byte("evidence "), (2<<20)/9)
	if err := write(t, s, content).Commit(ctx); err != nil {
		t.Fatal(err)
	}
	read := func() ([]byte, error) {
		r, err := s.Open(ctx, hexSum(content), int64(len(content)))
		if err != nil {
			return nil, err
		}
		defer r.Close()
		return io.ReadAll(r)
	}
	if got, err := read(); err != nil || !bytes.Equal(got, content) {
		t.Fatalf("read intact = %d bytes, %v", len(got), err)
	}
	path := filepath.Join(dir, "sha256", hexSum(content))
	if err := os.WriteFile(path, content[:100], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := read(); !errors.Is(err, dossier.ErrContentDamaged) {
		t.Fatalf("read damaged = %v", err)
	}
	if err := write(t, s, content).Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := read(); err != nil || !bytes.Equal(got, content) {
		t.Fatalf("read repaired = %d bytes, %v", len(got), err)
	}
}
