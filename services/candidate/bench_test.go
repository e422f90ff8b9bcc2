package candidate_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/dbtest"
	dbfloor "github.com/titrepro/titrepro/internal/dbtest/floor"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// BenchmarkRegistrationGRPC measures a burst of candidate registrations by
// a centre through the candidate service's gRPC API, 8 clients at once, on
// SQLite and on PostgreSQL, beside the floor of the same engine measured in
// the same run (ADR 0006). The REST figure on the all-in-one is
// BenchmarkScoring's register/clients=8 in cmd/titrepro; this one gives the
// PostgreSQL figure, which the all-in-one (SQLite only) cannot. Figures
// are printed, never asserted (target: p99 < 100 ms).
func BenchmarkRegistrationGRPC(b *testing.B) {
	for _, eng := range dbtest.Engines(b) {
		b.Run(eng.Name, func(b *testing.B) {
			e := startOn(b, eng.URL(b))
			as := e.as(b, centre)
			b.Run("register/clients=8", func(b *testing.B) {
				const clients = 8
				lat := make([]time.Duration, b.N)
				errs := make(chan error, clients)
				var wg sync.WaitGroup
				b.ResetTimer()
				start := time.Now()
				for w := range clients {
					wg.Go(func() {
						for i := w; i < b.N; i += clients {
							c := validCandidate()
							c.BirthName = fmt.Sprintf("Bench%06d", i)
							c.Email = fmt.Sprintf("bench%06d@example.org", i)
							t0 := time.Now()
							_, err := e.client.CreateCandidate(context.Background(), &candidatev1.CreateCandidateRequest{Candidate: c}, as)
							lat[i] = time.Since(t0)
							if err != nil {
								errs <- err
								return
							}
						}
					})
				}
				wg.Wait()
				elapsed := time.Since(start)
				b.StopTimer()
				close(errs)
				for err := range errs {
					b.Fatalf("register: %v", err)
				}
				f := dbfloor.Summarise(lat, elapsed)
				b.ReportMetric(f.P50, "p50-ms")
				b.ReportMetric(f.P99, "p99-ms")
				b.ReportMetric(f.Max, "max-ms")
				b.ReportMetric(f.PerSecond, "registrations/s")
				b.ReportMetric(0, "ns/op")
			})
			dbfloor.Bench(b, "floor/writers=3", func(b *testing.B) *sqldb.DB { return eng.Open(b) })
		})
	}
}
