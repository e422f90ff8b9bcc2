package outbox

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// BenchmarkRelay measures relay throughput: 1000 committed events per
// iteration, published to a JetStream stream that fsyncs every message
// (sync_interval always) and marked. The figure is events/s; the write cost
// is excluded.
func BenchmarkRelay(b *testing.B) {
	const events, perTx = 1000, 100
	for _, engine := range dbtest.Engines(b) {
		b.Run(engine.Name, func(b *testing.B) {
			e := newEnv(b, engine)
			r := NewRelay(e.ob, e.js, testLogger(b), RelayOptions{Stream: e.stream})
			b.Cleanup(func() { require.NoError(b, r.session.release()) })
			ctx := context.Background()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				for t := range events / perTx {
					batch := make([]Event, perTx)
					for j := range batch {
						batch[j] = event(b, fmt.Sprint(i, "-", t, "-", j))
					}
					require.NoError(b, e.db.InTx(ctx, func(tx *sqldb.Tx) error {
						return e.ob.Write(ctx, tx, batch...)
					}))
				}
				b.StartTimer()
				for {
					st, err := r.round(ctx)
					require.NoError(b, err)
					if st == roundIdle {
						break
					}
				}
			}
			b.StopTimer()
			require.EqualValues(b, events*b.N, e.streamCount(b))
			b.ReportMetric(float64(events*b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
