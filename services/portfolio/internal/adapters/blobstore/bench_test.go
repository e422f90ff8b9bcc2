package blobstore_test

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/blobstore"
)

// BenchmarkFileCommit writes, finishes and commits a 256 KiB content to a
// file store, with the flushes that make it durable and without them (the
// same steps, flushes skipped): the difference is what durability costs
// per upload on this disk. A measurement, not a pass/fail test.
func BenchmarkFileCommit(b *testing.B) {
	for _, mode := range []struct {
		name  string
		flush bool
	}{{"fsync", true}, {"no-fsync", false}} {
		b.Run(mode.name, func(b *testing.B) {
			s, err := blobstore.Open(context.Background(), "file://"+b.TempDir(), blobstore.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if !mode.flush {
				blobstore.SkipSyncs(s)
			}
			ctx := context.Background()
			content := make([]byte, 256<<10)
			b.SetBytes(int64(len(content)))
			for i := 0; b.Loop(); i++ {
				binary.LittleEndian.PutUint64(content, uint64(i)) // a new content each time
				u, err := s.NewUpload(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := u.Write(content); err != nil {
					b.Fatal(err)
				}
				if err := u.Finish(); err != nil {
					b.Fatal(err)
				}
				if err := u.Commit(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
