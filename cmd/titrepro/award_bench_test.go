package main

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
	dbfloor "github.com/titrepro/titrepro/internal/dbtest/floor"
	"github.com/titrepro/titrepro/internal/natsauth"
)

// awardSessions is how many sessions BenchmarkAward validates: p99 of
// 200 samples is their third largest.
const awardSessions = 200

// BenchmarkAward measures the time from the ministry's validation of
// signed minutes (POST /v1/results/{session}:validate, through the
// gateway) to the TitleAwarded event it causes, received by a durable
// consumer of the certification stream (the ministry's, as a ministry
// system would read it), on the all-in-one with its durable settings:
// SQLite with synchronous=FULL, embedded JetStream with sync_interval
// always. The path is the certification service's transaction, its
// outbox, the relay's publication and the consumer's delivery. Sessions
// are prepared first (one candidate each, every CCP obtained, minutes
// signed and known to the certification service) and validated one at a
// time. Target (issue 9, §6): p99 < 100 ms. Figures printed, never
// asserted. BenchmarkCluster runs the same on the cluster topology.
func BenchmarkAward(b *testing.B) {
	cfg := testConfig(b, b.TempDir())
	cfg.LogLevel = slog.LevelError
	srv := startServer(b, cfg)
	issuer, err := localIssuer(cfg)
	if err != nil {
		b.Fatal(err)
	}
	nc := busConnect(b, cfg, natsauth.Ministry)
	b.Cleanup(nc.Close)
	benchAward(b, srv.base, issuer, nc, awardSessions)
}

// benchAward prepares n sessions through the gateway at base, validates
// them one at a time and reports the latencies to the TitleAwarded events
// read by the ministry's durable consumer over nc (the ministry identity).
func benchAward(b *testing.B, base string, issuer *auth.LocalIssuer, nc *nats.Conn, n int) {
	ctx := context.Background()
	// The consumer: every TitleAwarded, by session.
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, "TITREPRO_CERTIFICATION", jetstream.ConsumerConfig{
		Durable: natsauth.MinistryDurable, AckPolicy: jetstream.AckExplicitPolicy,
		FilterSubjects: []string{"titrepro.certification.v1.title_awarded"},
	})
	if err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	awarded := map[string]chan time.Time{}
	arrival := func(session string) chan time.Time {
		mu.Lock()
		defer mu.Unlock()
		if awarded[session] == nil {
			awarded[session] = make(chan time.Time, 1)
		}
		return awarded[session]
	}
	cc, err := cons.Consume(func(msg jetstream.Msg) {
		at := time.Now()
		var ev certificationv1.TitleAwarded
		if err := proto.Unmarshal(msg.Data(), &ev); err != nil {
			b.Error(err)
			return
		}
		select {
		case arrival(ev.GetSessionId()) <- at:
		default:
		}
		_ = msg.Ack()
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(cc.Stop)

	// The sessions, three prepared at once, each by a workflow of its own
	// (its centre, candidate and jurors).
	sessions := make([]awardReady, n)
	errs := make(chan error, 3)
	var wg sync.WaitGroup
	for k := range 3 {
		wg.Go(func() {
			for i := k; i < n; i += 3 {
				r, err := prepareAward(ctx, base, issuer)
				if err != nil {
					errs <- err
					return
				}
				sessions[i] = r
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}

	latencies := make([]time.Duration, 0, n)
	start := time.Now()
	for _, s := range sessions {
		t0 := time.Now()
		if err := s.w.call(ctx, asMinistry, "POST", "/v1/results/"+s.session+":validate",
			&certificationv1.ValidateResultRequest{MinutesHash: s.minutes}, nil); err != nil {
			b.Fatal(err)
		}
		select {
		case at := <-arrival(s.session):
			latencies = append(latencies, at.Sub(t0))
		case <-time.After(20 * time.Second):
			b.Fatalf("no TitleAwarded for session %s within 20 s", s.session)
		}
	}
	f := dbfloor.Summarise(latencies, time.Since(start))
	b.Run("validate-to-award", func(b *testing.B) {
		b.ReportMetric(f.P50, "p50-ms")
		b.ReportMetric(f.P99, "p99-ms")
		b.ReportMetric(f.Max, "max-ms")
		b.ReportMetric(0, "ns/op")
	})
}

// awardReady is a session whose signed minutes the certification service
// holds, waiting for the ministry's validation.
type awardReady struct {
	w                *workflow
	session, minutes string
}

// prepareAward takes a new candidate of a new centre through a session
// titre up to minutes signed and known to the certification service.
func prepareAward(ctx context.Context, base string, issuer *auth.LocalIssuer) (awardReady, error) {
	var r awardReady
	w, err := newWorkflow(ctx, newRESTClient(base, nil), issuer, nil)
	if err != nil {
		return r, err
	}
	r.w = w
	res := sessionResult{}
	if res.candidateID, err = w.registerCandidate(ctx); err != nil {
		return r, err
	}
	scope := w.ccpCodes()
	if res.sessionID, err = w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil); err != nil {
		return r, err
	}
	if res.candidacyID, err = w.registerCandidacy(ctx, res.sessionID, res.candidateID, nil); err != nil {
		return r, err
	}
	if err := w.dossierFor(ctx, res); err != nil {
		return r, err
	}
	if err := w.open(ctx, res.sessionID); err != nil {
		return r, err
	}
	if err := w.evaluate(ctx, res.sessionID, res.candidacyID, scope, nil); err != nil {
		return r, err
	}
	if _, err := w.deliberate(ctx, res.sessionID, res.candidacyID, scope, nil); err != nil {
		return r, err
	}
	minutes, err := w.signMinutes(ctx, res.sessionID)
	if err != nil {
		return r, err
	}
	err = waitFor(ctx, "the signed minutes to reach the certification service", func() (bool, error) {
		err := w.call(ctx, asMinistry, "GET", "/v1/results/"+res.sessionID, nil, &certificationv1.GetResultResponse{})
		if reasonOf(err) == "RESULT_NOT_FOUND" {
			return false, nil
		}
		return err == nil, err
	})
	r.session, r.minutes = res.sessionID, minutes.GetContentHash()
	return r, err
}
