package blobstore_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/blobstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

// count returns the value of the counter of op.
func count(t *testing.T, c *prometheus.CounterVec, op string) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.WithLabelValues(op).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// Every failed operation is counted by operation: a content found damaged
// under "verify"; with the object store down, a write under "write" and a
// read under "read". A success counts nothing.
func TestFailedOperationsAreCounted(t *testing.T) {
	t.Parallel()
	errs := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "titrepro_blob_errors_total"}, []string{"operation"})
	s, srv := openS3(t, blobstore.Options{Errors: errs})
	ctx := context.Background()
	content := []byte("%PDF-1.4 counted evidence")
	if err := write(t, s, content).Commit(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := s.Open(ctx, hexSum(content), int64(len(content)))
	if err != nil {
		t.Fatal(err)
	}
	_ = r.Close()
	for _, op := range []string{"write", "read", "commit", "delete", "verify"} {
		if n := count(t, errs, op); n != 0 {
			t.Errorf("%s errors after successes = %v; want 0", op, n)
		}
	}

	if err := blobstore.Bucket(s).WriteAll(ctx, "sha256/"+hexSum(content), bytes.ToUpper(content), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, hexSum(content), int64(len(content))); !errors.Is(err, dossier.ErrContentDamaged) {
		t.Fatalf("Open(damaged) = %v", err)
	}
	if n := count(t, errs, "verify"); n != 1 {
		t.Errorf("verify errors = %v; want 1", n)
	}

	srv.Stop()
	u, err := s.NewUpload(ctx)
	if err == nil {
		_, err = u.Write([]byte("%PDF-1.4 lost"))
		if err == nil {
			err = u.Finish()
		}
	}
	if err == nil {
		t.Fatal("an upload with the server stopped succeeded")
	}
	if n := count(t, errs, "write"); n != 1 {
		t.Errorf("write errors = %v; want 1", n)
	}
	if _, err := s.Open(ctx, hexSum(content), int64(len(content))); err == nil || errors.Is(err, dossier.ErrContentDamaged) {
		t.Errorf("Open with the server stopped = %v; want a read error, not damage", err)
	}
	if n := count(t, errs, "read"); n != 1 {
		t.Errorf("read errors = %v; want 1", n)
	}
}
