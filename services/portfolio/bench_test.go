package portfolio_test

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/services/portfolio"
)

// BenchmarkUpload streams a 64 MiB PDF through the gRPC client stream into
// the file blob store, end to end in one process (client, server, SQLite).
// It reports throughput (MB/s), allocations, and the peak heap in use
// while uploading ("peak-heap-MiB"): the file is never held whole, so the
// peak stays a small fraction of its size (target P3). It is a
// measurement, not a pass/fail test.
func BenchmarkUpload(b *testing.B) {
	const size = 64 << 20
	e := start(b, func(c *portfolio.Config) {
		c.MaxDocumentBytes = size
		c.MaxDossierBytes = 1 << 50
		c.MaxDocuments = 1 << 30
	})
	e.seed(b)
	d := e.createDossier(b, &portfoliov1.Dossier{TitleId: "TP-00495"})

	chunk := make([]byte, 64<<10)
	upload := func(i int) {
		stream, err := e.client.UploadDocument(context.Background(), e.as(b, alice))
		if err != nil {
			b.Fatal(err)
		}
		if err := stream.Send(&portfoliov1.UploadDocumentRequest{Payload: &portfoliov1.UploadDocumentRequest_Metadata{
			Metadata: &portfoliov1.UploadDocumentMetadata{DossierId: d.GetId(), FileName: "big.pdf", Kind: portfoliov1.DocumentKind_DOCUMENT_KIND_ANNEX},
		}}); err != nil {
			b.Fatal(err)
		}
		msg := &portfoliov1.UploadDocumentRequest_Chunk{}
		req := &portfoliov1.UploadDocumentRequest{Payload: msg}
		for sent := 0; sent < size; sent += len(chunk) {
			clear(chunk)
			switch {
			case sent == 0:
				copy(chunk, "%PDF-1.4\n")
				chunk[len("%PDF-1.4\n")] = byte(i) // a different content, hence a new blob, per iteration
			case sent+len(chunk) == size:
				copy(chunk[len(chunk)-7:], "\n%%EOF\n")
			}
			msg.Chunk = chunk
			if err := stream.Send(req); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := stream.CloseAndRecv(); err != nil {
			b.Fatal(err)
		}
	}

	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	})
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		upload(i)
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	growth := float64(0)
	if p := peak.Load(); p > base.HeapInuse {
		growth = float64(p-base.HeapInuse) / (1 << 20)
	}
	b.ReportMetric(growth, "peak-heap-growth-MiB")
}
