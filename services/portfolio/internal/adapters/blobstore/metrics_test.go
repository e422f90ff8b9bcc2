package blobstore_test

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/blobstore"
)

// TestCountErrors checks that every operation's series exists at 0 and
// that failed operations are counted under theirs: a closed bucket fails
// them all.
func TestCountErrors(t *testing.T) {
	t.Parallel()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			if err := s.CountErrors(reg); err != nil {
				t.Fatal(err)
			}
			if families, err := reg.Gather(); err != nil || len(families) != 1 || len(families[0].GetMetric()) != 4 {
				t.Fatalf("Gather() = %v, %v; want titrepro_blob_errors_total with one series per operation (4)", families, err)
			}
			ctx := context.Background()
			if _, err := s.Exists(ctx, hexSum([]byte("x"))); err != nil {
				t.Fatalf("Exists() = %v", err)
			}
			_ = s.Close()
			if _, err := s.Exists(ctx, hexSum([]byte("x"))); err == nil {
				t.Fatal("Exists() on a closed bucket succeeded")
			}
			if _, err := s.NewUpload(ctx); err == nil {
				t.Fatal("NewUpload() on a closed bucket succeeded")
			}
			if _, err := s.Keys(ctx); err == nil {
				t.Fatal("Keys() on a closed bucket succeeded")
			}
			want := map[string]float64{blobstore.OpRead: 1, blobstore.OpWrite: 1, blobstore.OpList: 1, blobstore.OpDelete: 0}
			families, err := reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range families[0].GetMetric() {
				op := m.GetLabel()[0].GetValue()
				if got := m.GetCounter().GetValue(); got != want[op] {
					t.Errorf("titrepro_blob_errors_total{operation=%q} = %v; want %v", op, got, want[op])
				}
			}
		})
	}
}
