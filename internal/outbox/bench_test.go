package outbox

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// BenchmarkRelay measures relay throughput beside its floor, in the same
// run on the same stream (issue 9, §6). Each iteration commits 1000 events
// (the write cost is excluded) and times two things, in turns of 100
// events, so that the disk's moods (fsync times vary with what else the
// machine writes) fall on both alike:
//   - relay: the relay publishes them to a JetStream stream that fsyncs
//     every message (sync_interval always) and marks them;
//   - jetstream: the same 1000 messages — same subject, headers and
//     payload sizes — published synchronously one after the other, as the
//     relay does, with nothing else: the floor of an in-order relay.
//
// relay-events/s and jetstream-events/s are the throughputs, %jetstream
// the first as a percentage of the second (target ≥ 80 %).
func BenchmarkRelay(b *testing.B) {
	const events, perTx = 1000, 100
	for _, engine := range dbtest.Engines(b) {
		b.Run(engine.Name, func(b *testing.B) {
			e := newEnv(b, engine)
			r := NewRelay(e.ob, e.js, testLogger(b), RelayOptions{Stream: e.stream})
			b.Cleanup(func() { require.NoError(b, r.Release()) })
			ctx := context.Background()
			var relayTime, rawTime time.Duration
			before := e.streamCount(b)
			// Turns of 100 events (a relay batch) keep both sides of one
			// comparison within a fraction of a second of each other.
			relay := func(i, t int) {
				batch := make([]Event, perTx)
				for j := range batch {
					batch[j] = event(b, fmt.Sprint("relay-", i, "-", t, "-", j))
				}
				require.NoError(b, e.db.InTx(ctx, func(tx *sqldb.Tx) error {
					return e.ob.Write(ctx, tx, batch...)
				}))
				start := time.Now()
				require.NoError(b, r.Drain(ctx))
				relayTime += time.Since(start)
			}
			raw := func(i, t int) {
				msgs := make([]*nats.Msg, perTx)
				for j := range msgs {
					msgs[j] = rawMessage(event(b, fmt.Sprint("raw-", i, "-", t, "-", j)), e.stream)
				}
				start := time.Now()
				for _, m := range msgs {
					if _, err := e.js.PublishMsg(ctx, m); err != nil {
						b.Fatal(err)
					}
				}
				rawTime += time.Since(start)
			}
			for i := 0; i < b.N; i++ {
				for t := range events / perTx {
					if t%2 == 0 {
						relay(i, t)
						raw(i, t)
					} else {
						raw(i, t)
						relay(i, t)
					}
				}
			}
			b.StopTimer()
			require.EqualValues(b, before+uint64(2*events*b.N), e.streamCount(b))
			relayRate := float64(events*b.N) / relayTime.Seconds()
			rawRate := float64(events*b.N) / rawTime.Seconds()
			b.ReportMetric(relayRate, "relay-events/s")
			b.ReportMetric(rawRate, "jetstream-events/s")
			b.ReportMetric(100*relayRate/rawRate, "%jetstream")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// rawMessage is the message the relay publishes for e (Relay.publish),
// built beforehand.
func rawMessage(e Event, stream string) *nats.Msg {
	return &nats.Msg{Subject: e.Subject, Header: Headers(e, stream), Data: e.Payload}
}
