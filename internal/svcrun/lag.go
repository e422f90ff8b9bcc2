package svcrun

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/outbox"
)

// lagTimeout bounds the queries of one scrape: a database or a NATS that
// does not answer makes the lag metrics absent, not the scrape hang.
const lagTimeout = 2 * time.Second

// lagCollector reports how far behind a service is, queried on each scrape
// (ADR 0016): the events its outbox has not published yet and the events
// waiting at each of its durable consumers. Measured at scrape time rather
// than by the relay or the consumers themselves, a stuck relay or a dead
// consumer still shows a growing backlog.
type lagCollector struct {
	outbox  *outbox.Outbox
	js      jetstream.JetStream
	timeout time.Duration

	outboxPending, outboxOldest, consumerPending, errorsDesc *prometheus.Desc
	// The scrapes where the outbox or a consumer did not answer in time:
	// its metrics were left out of that scrape. Reported after the queries,
	// so that a scrape counts its own failures.
	outboxErrors, consumerErrors atomic.Uint64

	mu        sync.Mutex
	consumers []consumerRef // set once the service has subscribed
}

type consumerRef struct{ stream, durable string }

func newLagCollector(service string, ob *outbox.Outbox, js jetstream.JetStream) *lagCollector {
	constLabels := prometheus.Labels{"service": service}
	return &lagCollector{
		outbox: ob, js: js, timeout: lagTimeout,
		outboxPending: prometheus.NewDesc("titrepro_outbox_pending_events",
			"Events committed to the service's outbox and not yet published to JetStream.", nil, constLabels),
		outboxOldest: prometheus.NewDesc("titrepro_outbox_oldest_pending_age_seconds",
			"Age of the oldest unpublished outbox event; 0 when none is waiting.", nil, constLabels),
		consumerPending: prometheus.NewDesc("titrepro_consumer_pending_events",
			"Events of the stream not yet acknowledged by the service's durable consumer (JetStream num_pending + num_ack_pending).",
			[]string{"stream", "durable"}, constLabels),
		errorsDesc: prometheus.NewDesc("titrepro_lag_collect_errors_total",
			"Scrapes where the outbox (source=outbox) or a JetStream consumer (source=consumer) did not answer in time; its lag metrics were absent from that scrape.",
			[]string{"source"}, constLabels),
	}
}

// watch sets the consumers whose backlog the collector reports.
func (c *lagCollector) watch(subs []*eventbus.Subscription) {
	refs := make([]consumerRef, 0, len(subs))
	for _, s := range subs {
		refs = append(refs, consumerRef{stream: s.Stream(), durable: s.Durable()})
	}
	c.mu.Lock()
	c.consumers = refs
	c.mu.Unlock()
}

func (c *lagCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.outboxPending
	ch <- c.outboxOldest
	ch <- c.consumerPending
	ch <- c.errorsDesc
}

// Collect queries the outbox and every consumer at once, all within
// c.timeout.
func (c *lagCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	c.mu.Lock()
	consumers := c.consumers
	c.mu.Unlock()

	var wg sync.WaitGroup
	wg.Go(func() {
		lag, err := c.outbox.Lag(ctx)
		if err != nil {
			c.outboxErrors.Add(1)
			return
		}
		ch <- prometheus.MustNewConstMetric(c.outboxPending, prometheus.GaugeValue, float64(lag.Pending))
		ch <- prometheus.MustNewConstMetric(c.outboxOldest, prometheus.GaugeValue, lag.Oldest.Seconds())
	})
	for _, ref := range consumers {
		wg.Go(func() {
			pending, err := c.consumerBacklog(ctx, ref)
			if err != nil {
				c.consumerErrors.Add(1)
				return
			}
			ch <- prometheus.MustNewConstMetric(c.consumerPending, prometheus.GaugeValue, float64(pending), ref.stream, ref.durable)
		})
	}
	wg.Wait()
	ch <- prometheus.MustNewConstMetric(c.errorsDesc, prometheus.CounterValue, float64(c.outboxErrors.Load()), "outbox")
	ch <- prometheus.MustNewConstMetric(c.errorsDesc, prometheus.CounterValue, float64(c.consumerErrors.Load()), "consumer")
}

// consumerBacklog is what the consumer has yet to handle: the messages not
// delivered yet and those delivered but not acknowledged.
func (c *lagCollector) consumerBacklog(ctx context.Context, ref consumerRef) (uint64, error) {
	cons, err := c.js.Consumer(ctx, ref.stream, ref.durable) // one CONSUMER.INFO request
	if err != nil {
		return 0, err
	}
	info := cons.CachedInfo()
	return info.NumPending + uint64(max(info.NumAckPending, 0)), nil
}
