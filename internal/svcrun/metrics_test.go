package svcrun_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/natstest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/internal/svcrun"
)

// get fetches url and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(body)
}

// sample returns the value of the sample of name whose labels include
// every one of labels (`k="v"`), from a Prometheus text exposition.
func sample(text, name string, labels ...string) (float64, bool) {
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		series, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		matches := true
		for _, l := range labels {
			matches = matches && strings.Contains(series, l)
		}
		if !matches {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return 0, false
		}
		return v, true
	}
	return 0, false
}

// TestInfraMetrics runs a service with a registry and checks, through
// /metrics, that its gRPC calls are counted, that its outbox and consumer
// backlogs are reported, and that a scrape with NATS down still answers
// quickly, without the consumer's backlog.
func TestInfraMetrics(t *testing.T) {
	t.Parallel()
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			ns := natstest.RunJetStream(t)
			_, js := natstest.Connect(t, ns)
			reg := prometheus.NewRegistry()
			o := options(t, js, &migrateThings{})
			o.Config.DatabaseURL = engine.URL(t)
			o.Metrics = reg
			in, err := svcrun.NewInfra(t.Context(), o)
			require.NoError(t, err)
			web := httptest.NewServer(svcrun.MetricsHandler(reg, in.Health))
			defer web.Close()
			scrape := func() string {
				t.Helper()
				code, body := get(t, web.URL+"/metrics")
				require.Equal(t, http.StatusOK, code, body)
				return body
			}

			// Two events committed, no relay yet: the outbox holds them.
			for i := range 2 {
				ev, err := outbox.NewEvent(wrapperspb.String("x"), "titrepro/infratest", fmt.Sprintf("things/%d", i), time.Now())
				require.NoError(t, err)
				ev.Subject = "titrepro.infratest.v1.thing_done"
				require.NoError(t, in.DB.InTx(t.Context(), func(tx *sqldb.Tx) error { return in.Outbox.Write(t.Context(), tx, ev) }))
			}
			body := scrape()
			v, ok := sample(body, "titrepro_outbox_pending_events", `service="infratest"`)
			require.True(t, ok && v == 2, "outbox pending = %v, %v; want 2\n%s", v, ok, body)
			_, ok = sample(body, "titrepro_outbox_oldest_pending_age_seconds", `service="infratest"`)
			require.True(t, ok, "oldest pending age missing")
			code, _ := get(t, web.URL+"/readyz")
			require.Equal(t, http.StatusServiceUnavailable, code, "/readyz before Run")
			code, _ = get(t, web.URL+"/healthz")
			require.Equal(t, http.StatusOK, code, "/healthz")

			// Run with a consumer of the service's own stream whose handler
			// holds the first event: both events wait at the consumer.
			hold := make(chan struct{})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				done <- in.Run(ctx, func(ctx context.Context) ([]*eventbus.Subscription, error) {
					sub, err := eventbus.Subscribe(ctx, js, in.DB, in.Log, eventbus.ConsumerConfig{
						Stream: "TITREPRO_INFRATEST", Durable: "watcher", HandlerTimeout: 2 * time.Second,
					}, func(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
						select {
						case <-hold:
						case <-ctx.Done():
						}
						return nil
					})
					if err != nil {
						return nil, err
					}
					return []*eventbus.Subscription{sub}, nil
				})
			}()

			conn, err := grpcx.Dial(in.Addr())
			require.NoError(t, err)
			defer conn.Close()
			eventually(t, "a health call counted, the service ready, both events at the consumer", func() error {
				if _, err := healthgrpc.NewHealthClient(conn).Check(t.Context(), &healthgrpc.HealthCheckRequest{}); err != nil {
					return err
				}
				if code, _ := get(t, web.URL+"/readyz"); code != http.StatusOK {
					return fmt.Errorf("/readyz = %d", code)
				}
				body := scrape()
				if v, ok := sample(body, "titrepro_grpc_requests_total",
					`service="grpc.health.v1.Health"`, `method="Check"`, `code="OK"`); !ok || v < 1 {
					return fmt.Errorf("grpc requests = %v, %v", v, ok)
				}
				if _, ok := sample(body, "titrepro_grpc_request_duration_seconds_count", `method="Check"`); !ok {
					return errors.New("no grpc duration")
				}
				if v, ok := sample(body, "titrepro_consumer_pending_events",
					`service="infratest"`, `stream="TITREPRO_INFRATEST"`, `durable="watcher"`); !ok || v != 2 {
					return fmt.Errorf("consumer pending = %v, %v; want 2", v, ok)
				}
				return nil
			})
			close(hold)
			eventually(t, "the backlogs drained", func() error {
				body := scrape()
				if v, ok := sample(body, "titrepro_consumer_pending_events", `durable="watcher"`); !ok || v != 0 {
					return fmt.Errorf("consumer pending = %v, %v; want 0", v, ok)
				}
				if v, ok := sample(body, "titrepro_outbox_pending_events", `service="infratest"`); !ok || v != 0 {
					return fmt.Errorf("outbox pending = %v, %v; want 0", v, ok)
				}
				if v, ok := sample(body, "titrepro_outbox_oldest_pending_age_seconds", `service="infratest"`); !ok || v != 0 {
					return fmt.Errorf("oldest pending age = %v, %v; want 0", v, ok)
				}
				return nil
			})

			// NATS down: the scrape still answers in time, without the
			// consumer's backlog, and counts the error.
			ns.Shutdown()
			ns.WaitForShutdown()
			start := time.Now()
			body = scrape()
			require.Less(t, time.Since(start), 5*time.Second, "scrape with NATS down")
			_, ok = sample(body, "titrepro_consumer_pending_events", `durable="watcher"`)
			require.False(t, ok, "consumer backlog reported with NATS down")
			_, ok = sample(body, "titrepro_outbox_pending_events", `service="infratest"`)
			require.True(t, ok, "outbox backlog missing with NATS down")
			v, ok = sample(body, "titrepro_lag_collect_errors_total", `service="infratest"`, `source="consumer"`)
			require.True(t, ok && v >= 1, "consumer lag errors = %v, %v", v, ok)

			cancel()
			select {
			case <-done:
			case <-time.After(waitFor):
				t.Fatal("Run did not return after cancel")
			}
			// Closed, the service no longer reports a backlog it cannot read.
			_, ok = sample(scrape(), "titrepro_outbox_pending_events", `service="infratest"`)
			require.False(t, ok, "outbox backlog still collected after Close")
		})
	}
}
