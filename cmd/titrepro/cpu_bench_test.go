package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/devcerts"
	"github.com/titrepro/titrepro/internal/grpcx"
)

// BenchmarkServerCPU measures the server's CPU time per request (issue 9,
// §6) for the same reads through the REST gateway and by gRPC directly,
// and for a bare gRPC health check, printed side by side in one run:
//
//   - server-us/op is the CPU time (user + system) of the server processes
//     during the run, less their idle rate (relays and consumers polling,
//     measured for two seconds before), divided by the requests. The load
//     comes from this process and the server runs in another one (this
//     test binary re-executed as `titrepro serve`, TestMain), so none of
//     the client's CPU is counted; client-us/op is the client's, from
//     getrusage, for information.
//   - REST goes client → gateway → gRPC → service; gRPC goes client →
//     service: the difference is the gateway's cost. Four clients at once,
//     each on its own keep-alive connection (REST) or sharing one
//     connection (gRPC, as the gateway does).
//   - The server logs at info level, as in production (to /dev/null).
//
// Targets: REST/gRPC ≤ 1.25 on every read; a point read (GetCandidate)
// ≤ 3 × the health check. The targets sub-benchmark prints the ratios.
// Compare figures of one run only: CPU per request moves with the
// machine's load (docs/performance.md).
//
// Against servers started elsewhere (the cluster topology), set
// TITREPRO_BENCH_GATEWAY_URL, TITREPRO_BENCH_CANDIDATE_ADDR,
// TITREPRO_BENCH_CERTIFICATION_ADDR, TITREPRO_BENCH_ASSESSMENT_ADDR and
// TITREPRO_BENCH_METRICS_URLS (the /metrics pages of the gateway and the
// services, comma-separated, whose process_cpu_seconds_total are summed);
// tokens come from the local issuer of TITREPRO_DATA_DIR, which those
// servers must trust; TITREPRO_BENCH_TLS_DIR, when set, holds the ca.crt
// and the gateway-client certificate for gRPC over mutual TLS (a dev-certs
// folder). The cluster topology's run is BenchmarkCluster (make
// bench-cluster).
func BenchmarkServerCPU(b *testing.B) { benchServerCPU(b, newBenchTarget(b)) }

// benchServerCPU runs BenchmarkServerCPU's reads against tgt.
func benchServerCPU(b *testing.B, tgt *benchTarget) {
	ctx := context.Background()
	w, err := newWorkflow(ctx, newRESTClient(tgt.gateway, nil), tgt.issuer(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	candidateID, err := w.registerCandidate(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var sessionID string
	for range 5 { // a list of a few sessions
		if sessionID, err = w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil); err != nil {
			b.Fatal(err)
		}
	}
	candidateTok, centreTok := w.tokens[asCandidate], w.tokens[asCentre]

	cand := candidatev1.NewCandidateServiceClient(tgt.dial(b, tgt.candidate))
	cert := certificationv1.NewCertificationServiceClient(tgt.dial(b, tgt.certification))
	assess := assessmentv1.NewAssessmentServiceClient(tgt.dial(b, tgt.assessment))
	health := healthpb.NewHealthClient(tgt.dial(b, tgt.candidate))
	bearer := func(ctx context.Context, tok string) context.Context {
		return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok)
	}
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	rest := func(path, tok string) func(context.Context) error {
		return func(ctx context.Context) error {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, tgt.gateway+path, nil)
			if tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			resp, err := httpClient.Do(req)
			if err != nil {
				return err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
			}
			return nil
		}
	}
	reads := []struct {
		name       string
		grpc, rest func(context.Context) error
	}{
		{"GetTitle", func(ctx context.Context) error {
			_, err := cert.GetTitle(ctx, &certificationv1.GetTitleRequest{TitleId: "TP-00495"})
			return err
		}, rest("/v1/titles/TP-00495", "")},
		{"GetCandidate", func(ctx context.Context) error {
			_, err := cand.GetCandidate(bearer(ctx, candidateTok), &candidatev1.GetCandidateRequest{CandidateId: candidateID})
			return err
		}, rest("/v1/candidates/"+candidateID, candidateTok)},
		{"GetSession", func(ctx context.Context) error {
			_, err := assess.GetSession(bearer(ctx, centreTok), &assessmentv1.GetSessionRequest{SessionId: sessionID})
			return err
		}, rest("/v1/sessions/"+sessionID, centreTok)},
		{"ListSessions", func(ctx context.Context) error {
			_, err := assess.ListSessions(bearer(ctx, centreTok), &assessmentv1.ListSessionsRequest{})
			return err
		}, rest("/v1/sessions", centreTok)},
	}

	idle := tgt.idleRate(b)
	server := map[string]float64{}
	for _, rd := range reads {
		b.Run(rd.name+"/grpc", func(b *testing.B) { server[rd.name+"/grpc"] = tgt.measure(b, idle, rd.grpc) })
		b.Run(rd.name+"/rest", func(b *testing.B) { server[rd.name+"/rest"] = tgt.measure(b, idle, rd.rest) })
	}
	b.Run("Health/grpc", func(b *testing.B) {
		server["Health/grpc"] = tgt.measure(b, idle, func(ctx context.Context) error {
			_, err := health.Check(ctx, &healthpb.HealthCheckRequest{})
			return err
		})
	})
	b.Run("targets", func(b *testing.B) {
		for _, rd := range reads {
			if g := server[rd.name+"/grpc"]; g > 0 {
				b.ReportMetric(server[rd.name+"/rest"]/g, rd.name+"-rest/grpc")
			}
		}
		if h := server["Health/grpc"]; h > 0 {
			b.ReportMetric(server["GetCandidate/grpc"]/h, "GetCandidate/health")
		}
		b.ReportMetric(1000*idle, "idle-server-ms/s")
		b.ReportMetric(0, "ns/op")
	})
}

// benchTarget is where BenchmarkServerCPU sends its requests and how it
// reads the servers' CPU time.
type benchTarget struct {
	cfg                                  config
	gateway                              string
	candidate, certification, assessment string
	cpu                                  cpuMeter
	tls                                  *tls.Config       // nil: plaintext gRPC
	iss                                  *auth.LocalIssuer // nil: the issuer of cfg
}

// newBenchTarget starts the all-in-one in a child process, or takes the
// servers of the TITREPRO_BENCH_* variables.
func newBenchTarget(b *testing.B) *benchTarget {
	if gw := os.Getenv("TITREPRO_BENCH_GATEWAY_URL"); gw != "" {
		cfg, err := loadConfig(os.Getenv)
		if err != nil {
			b.Fatal(err)
		}
		t := &benchTarget{cfg: cfg, gateway: strings.TrimRight(gw, "/"),
			candidate:     os.Getenv("TITREPRO_BENCH_CANDIDATE_ADDR"),
			certification: os.Getenv("TITREPRO_BENCH_CERTIFICATION_ADDR"),
			assessment:    os.Getenv("TITREPRO_BENCH_ASSESSMENT_ADDR"),
		}
		urls := strings.FieldsFunc(os.Getenv("TITREPRO_BENCH_METRICS_URLS"), func(r rune) bool { return r == ',' })
		if t.candidate == "" || t.certification == "" || t.assessment == "" || len(urls) == 0 {
			b.Fatal("TITREPRO_BENCH_GATEWAY_URL needs TITREPRO_BENCH_CANDIDATE_ADDR, TITREPRO_BENCH_CERTIFICATION_ADDR, TITREPRO_BENCH_ASSESSMENT_ADDR and TITREPRO_BENCH_METRICS_URLS")
		}
		t.cpu = metricsCPU(urls)
		if dir := os.Getenv("TITREPRO_BENCH_TLS_DIR"); dir != "" {
			if t.tls, err = gatewayClientTLS(dir); err != nil {
				b.Fatal(err)
			}
		}
		return t
	}
	// Production's log level: one line per call at the gateway and at the
	// service is part of the cost.
	cfg, pid := startServerProcess(b, testEnv(b, b.TempDir(), map[string]string{"TITREPRO_LOG_LEVEL": "info"}))
	return &benchTarget{cfg: cfg, gateway: cfg.PublicURL,
		candidate: cfg.CandidateAddr, certification: cfg.CertificationAddr, assessment: cfg.AssessmentAddr,
		cpu: procCPU(pid)}
}

// gatewayClientTLS is the gateway's client side of mutual TLS from a
// dev-certs folder: the services' authority and the gateway-client
// certificate they require.
func gatewayClientTLS(dir string) (*tls.Config, error) {
	return grpcx.ClientTLS(grpcx.TLSFiles{
		CAFile:   filepath.Join(dir, "ca.crt"),
		CertFile: filepath.Join(dir, devcerts.GatewayClient+".crt"),
		KeyFile:  filepath.Join(dir, devcerts.GatewayClient+".key"),
	})
}

func (t *benchTarget) issuer(b *testing.B) *auth.LocalIssuer {
	if t.iss != nil {
		return t.iss
	}
	iss, err := localIssuer(t.cfg)
	if err != nil {
		b.Fatal(err)
	}
	return iss
}

func (t *benchTarget) dial(b *testing.B, addr string) *grpc.ClientConn {
	creds := insecure.NewCredentials()
	if t.tls != nil {
		creds = credentials.NewTLS(t.tls)
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close() })
	return conn
}

// idleRate returns the servers' CPU seconds per second with no request,
// over two seconds, after a second for the events of the preparation to
// be published and consumed.
func (t *benchTarget) idleRate(b *testing.B) float64 {
	time.Sleep(time.Second)
	before := t.read(b)
	start := time.Now()
	time.Sleep(2 * time.Second)
	return (t.read(b) - before).Seconds() / time.Since(start).Seconds()
}

func (t *benchTarget) read(b *testing.B) time.Duration {
	d, err := t.cpu()
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// benchClients is how many requests are in flight at once.
const benchClients = 4

// measure runs b.N calls from benchClients goroutines and reports the
// servers' and the client's CPU time per call; it returns the servers'
// in microseconds.
func (t *benchTarget) measure(b *testing.B, idle float64, call func(context.Context) error) float64 {
	ctx := context.Background()
	for range 2 * benchClients { // connections open, caches warm
		if err := call(ctx); err != nil {
			b.Fatal(err)
		}
	}
	var selfBefore, selfAfter syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &selfBefore)
	before := t.read(b)
	b.ResetTimer()
	start := time.Now()
	errs := make(chan error, benchClients)
	var wg sync.WaitGroup
	for k := range benchClients {
		n := b.N / benchClients
		if k < b.N%benchClients {
			n++
		}
		wg.Go(func() {
			for range n {
				if err := call(ctx); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	after := t.read(b)
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &selfAfter)
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	serverUS := ((after - before).Seconds() - idle*elapsed.Seconds()) * 1e6 / float64(b.N)
	clientUS := float64(rusageCPU(selfAfter)-rusageCPU(selfBefore)) / float64(time.Microsecond) / float64(b.N)
	b.ReportMetric(serverUS, "server-us/op")
	b.ReportMetric(clientUS, "client-us/op")
	return serverUS
}

func rusageCPU(r syscall.Rusage) time.Duration {
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}
