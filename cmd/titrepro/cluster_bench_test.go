//go:build cluster

package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/titrepro/titrepro/internal/cluster"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/natsauth"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// BenchmarkCluster runs the benchmarks of make bench against the
// distributed topology (make bench-cluster; issue 9, §6): it starts the
// topology of make run-cluster once (internal/cluster, with a PostgreSQL
// instance of its own, ports shifted by 21000 so that the fault suite may
// run beside it) and, each beside its baseline measured in the same run:
//
//   - ServerCPU: BenchmarkServerCPU's reads through the gateway (REST)
//     and straight to the services (gRPC over mutual TLS, the gateway's
//     client certificate), the servers' CPU being the sum of
//     process_cpu_seconds_total over the gateway's and every service
//     replica's /metrics; the health check is the baseline.
//   - Award: BenchmarkAward's validation → TitleAwarded at the ministry's
//     durable consumer, through the gateway, the services' PostgreSQL and
//     the three-node JetStream cluster (3-replica streams, fsync always).
//   - Relay: BenchmarkRelay's comparison on the cluster: an outbox in the
//     topology's PostgreSQL relayed by outbox.Relay in this process to a
//     3-replica stream, beside synchronous publishes of the same messages
//     to the same stream.
//
// Figures printed, never asserted.
func BenchmarkCluster(b *testing.B) {
	// TITREPRO_BENCH_PLAINTEXT=1 turns TLS off between the parts, to see
	// its share of the figures; by default they run as in production.
	plain := os.Getenv("TITREPRO_BENCH_PLAINTEXT") == "1"
	h := startCluster(b, func(o *cluster.Options) {
		o.PlainText = plain
		// Every request comes from 127.0.0.1: the gateway's limit on
		// anonymous requests (GetTitle) off, as in BenchmarkServerCPU's
		// all-in-one.
		o.ExtraEnv = func(process string, env map[string]string) {
			if process == "gateway" {
				env["RATE_LIMIT_ANONYMOUS"] = "0"
			}
		}
	}, 21000, 22000, 17000)
	if h.c.TLS() == plain {
		b.Fatalf("TLS between the parts is %v; want %v", h.c.TLS(), !plain)
	}
	b.Run("ServerCPU", func(b *testing.B) { benchServerCPU(b, clusterBenchTarget(b, h)) })
	b.Run("Award", func(b *testing.B) {
		nc, err := h.c.Connect(natsauth.Ministry)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(nc.Close)
		benchAward(b, h.c.GatewayURL(), h.issuer, nc, awardSessions)
	})
	b.Run("Relay", func(b *testing.B) { benchClusterRelay(b, h.c) })
}

// clusterBenchTarget: REST to the gateway, gRPC over mutual TLS to the
// first replica of each service, CPU from every process's /metrics but
// the issuer's, NATS's and PostgreSQL's (the same in both paths).
func clusterBenchTarget(b *testing.B, h *harness) *benchTarget {
	c := h.c
	var tlsConf *tls.Config
	if c.TLS() {
		var err error
		if tlsConf, err = gatewayClientTLS(c.TLSDir()); err != nil {
			b.Fatal(err)
		}
	}
	addr := func(svc string) string { return fmt.Sprintf("127.0.0.1:%d", c.Ports().GRPC(svc, 1)) }
	urls := []string{c.GatewayURL() + "/metrics"}
	for _, svc := range cluster.Services {
		for r := 1; r <= c.ReplicaCount(svc); r++ {
			urls = append(urls, fmt.Sprintf("http://127.0.0.1:%d/metrics", c.Ports().Metrics(svc, r)))
		}
	}
	return &benchTarget{gateway: c.GatewayURL(),
		candidate: addr("candidate"), certification: addr("certification"), assessment: addr("assessment"),
		cpu: metricsCPU(urls), tls: tlsConf, iss: h.issuer}
}

// benchClusterRelay is BenchmarkRelay on the cluster: each iteration
// commits 1000 events to an outbox table in the topology's database
// (public schema, apart from the services'), in turns of 100, and times
// the relay draining them (outbox.Relay.Drain) and the synchronous
// publication of 100 messages alike (outbox.Headers), alternating which
// goes first, to the 3-replica stream TITREPRO_BENCH.
func benchClusterRelay(b *testing.B, c *cluster.Cluster) {
	const events, perTx = 1000, 100
	ctx := context.Background()
	nc, err := c.Connect(natsauth.Admin)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	scfg := eventbus.ContextStream("bench")
	scfg.Replicas = 3
	if err := eventbus.EnsureStream(ctx, js, scfg); err != nil {
		b.Fatal(err)
	}
	db, err := sqldb.Open(ctx, c.DatabaseURL())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	if err := outbox.Migrate(ctx, db); err != nil {
		b.Fatal(err)
	}
	ob := outbox.New(db)
	log := slog.New(slog.NewTextHandler(b.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	r := outbox.NewRelay(ob, js, log, outbox.RelayOptions{Stream: scfg.Name})
	b.Cleanup(func() { _ = r.Release() })
	// Events committed before (a previous iteration's run) go first.
	if err := r.Drain(ctx); err != nil {
		b.Fatal(err)
	}
	count := func() uint64 {
		s, err := js.Stream(ctx, scfg.Name)
		if err != nil {
			b.Fatal(err)
		}
		return s.CachedInfo().State.Msgs
	}
	newEvent := func(label string) outbox.Event {
		ev, err := outbox.NewEvent(wrapperspb.String(label), "titrepro/bench", "things/"+label, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		ev.Subject = "titrepro.bench.v1.thing_happened"
		return ev
	}
	var relayTime, rawTime time.Duration
	before := count()
	relay := func(i, t int) {
		batch := make([]outbox.Event, perTx)
		for j := range batch {
			batch[j] = newEvent(fmt.Sprint("relay-", b.N, "-", i, "-", t, "-", j))
		}
		if err := db.InTx(ctx, func(tx *sqldb.Tx) error { return ob.Write(ctx, tx, batch...) }); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := r.Drain(ctx); err != nil {
			b.Fatal(err)
		}
		relayTime += time.Since(start)
	}
	raw := func(i, t int) {
		msgs := make([]*nats.Msg, perTx)
		for j := range msgs {
			e := newEvent(fmt.Sprint("raw-", b.N, "-", i, "-", t, "-", j))
			msgs[j] = &nats.Msg{Subject: e.Subject, Header: outbox.Headers(e, scfg.Name), Data: e.Payload}
		}
		start := time.Now()
		for _, m := range msgs {
			if _, err := js.PublishMsg(ctx, m); err != nil {
				b.Fatal(err)
			}
		}
		rawTime += time.Since(start)
	}
	b.ResetTimer()
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
	if got, want := count(), before+uint64(2*events*b.N); got != want {
		b.Fatalf("stream %s holds %d messages; want %d", scfg.Name, got, want)
	}
	relayRate := float64(events*b.N) / relayTime.Seconds()
	rawRate := float64(events*b.N) / rawTime.Seconds()
	b.ReportMetric(relayRate, "relay-events/s")
	b.ReportMetric(rawRate, "jetstream-events/s")
	b.ReportMetric(100*relayRate/rawRate, "%jetstream")
	b.ReportMetric(0, "ns/op")
}
