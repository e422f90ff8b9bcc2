package floor

import (
	"context"
	"testing"

	"github.com/titrepro/titrepro/internal/sqldb"
)

// Bench runs the floor as sub-benchmark name of b, 3 writers on the
// database open returns, prints its writes/s and returns them so that the
// caller can print its own figures beside it.
func Bench(b *testing.B, name string, open func(b *testing.B) *sqldb.DB) float64 {
	var floor float64
	b.Run(name, func(b *testing.B) {
		var err error
		if floor, err = Writes(context.Background(), open(b), 3, max(b.N, 300)); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(floor, "writes/s")
		b.ReportMetric(0, "ns/op")
	})
	return floor
}
