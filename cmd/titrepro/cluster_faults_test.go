//go:build cluster

package main

// The fault suite of the distributed topology (make test-cluster): it
// starts the topology of make run-cluster (internal/cluster) with a
// PostgreSQL instance of its own, drives the jury workflow through the
// gateway's REST API, several sessions at once, and breaks one part at a
// time. After each fault it checks that the system came back by itself;
// at the end, that every acknowledged write is there and every expected
// award was made exactly once, in the services (one certificate per
// candidate) and for the ministry's durable consumer (one TitleAwarded per
// award after de-duplication by event id).
//
// It needs the go toolchain (it builds the binaries), PostgreSQL's
// binaries under /usr/lib/postgresql and, as root, the postgres user.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/cluster"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/natsauth"
)

// recovery bounds every wait for the system to come back by itself.
const recovery = 2 * time.Minute

func TestClusterFaults(t *testing.T) {
	began := time.Now()
	eventualTimeout = recovery
	ctx := t.Context()
	h := startCluster(t, nil)
	t.Logf("topology up after %s (build included)", time.Since(began).Round(time.Second))
	checkPartsUseTLS(t, h.c)

	ministry := startMinistry(t, h.c)
	var awards []award

	// (a) A NATS node dies (SIGKILL) mid-flow and comes back: the streams
	// have three replicas, the two others keep a quorum.
	// The node killed is the leader of TITREPRO_CERTIFICATION, the stream
	// of the awards.
	// The sessions must end, awards included, with the node down: two
	// nodes of three keep the quorum.
	awards = append(awards, h.phase(t, "NATS node killed and restarted", 2, func(sessionsDone <-chan struct{}) error {
		node, err := h.streamLeader(ctx, eventbus.ContextStream("certification").Name)
		if err != nil {
			return err
		}
		if err := h.c.Kill(node); err != nil {
			return err
		}
		if err := waitOrFail(sessionsDone, recovery, "the sessions to end with "+node+" down"); err != nil {
			return err
		}
		time.Sleep(2 * time.Second)
		if err := h.c.StartProcess(node); err != nil {
			return err
		}
		return h.c.WaitNATS(ctx, recovery)
	})...)

	// (b) A replica of the assessment service is SIGKILLed with its relay
	// and consumers in the middle of their work: the gateway sends the
	// calls to the other replica; events the dead one had not acknowledged
	// are redelivered.
	// The sessions must end with the replica dead: the other one serves.
	awards = append(awards, h.phase(t, "assessment replica SIGKILLed", 2, func(sessionsDone <-chan struct{}) error {
		err := h.quiesced(func() error { return h.c.Kill("assessment-1") })
		if err != nil {
			return err
		}
		if err := waitOrFail(sessionsDone, recovery, "the sessions to end with assessment-1 dead"); err != nil {
			return err
		}
		if err := h.c.StartProcess("assessment-1"); err != nil {
			return err
		}
		return h.c.WaitService(ctx, "assessment", 1, recovery)
	})...)

	// (c) PostgreSQL restarts: calls fail while it is down (retried by the
	// client), the services' pools reconnect, relays resume.
	retriedBefore := h.retries.Load()
	awards = append(awards, h.phase(t, "PostgreSQL restarted", 2, func(<-chan struct{}) error {
		err := h.quiesced(func() error { return h.c.StopProcess("postgres") })
		if err != nil {
			return err
		}
		time.Sleep(3 * time.Second)
		if err := h.c.StartProcess("postgres"); err != nil {
			return err
		}
		return h.c.WaitPostgres(ctx, recovery)
	})...)
	if h.retries.Load() == retriedBefore {
		t.Error("no REST call failed while PostgreSQL was down: the fault did not happen mid-flow")
	}

	// (d) NATS unreachable for 60 s while writes continue.
	awards = append(awards, h.natsOutage(t, 60*time.Second)...)

	h.checkAwards(t, awards)
	ministry.check(t, awards)
	h.checkStreams(t)
	checkEvidenceInObjectStore(t, h.c, len(awards))
	took := time.Since(began).Round(time.Second)
	t.Logf("fault suite: %d awards over 4 faults in %s", len(awards), took)
	if took > 8*time.Minute {
		t.Errorf("the fault suite took %s; its budget is 8 minutes", took)
	}
}

// harness is the running topology and the REST client the workflows use.
type harness struct {
	retries atomic.Int64 // REST calls retried because the topology could not serve them
	c       *cluster.Cluster
	issuer  *auth.LocalIssuer
	rest    *restClient
	calls   sync.RWMutex // held for reading during each REST call; quiesced takes it
}

// award is one candidate taken through a session who must end up with
// exactly one certificate.
type award struct {
	w      *workflow
	result sessionResult
}

// startCluster builds and starts the topology at the first port offset
// whose ports are all free (default: 20000, 21000, 22000, 17000);
// configure, when not nil, changes the options first.
func startCluster(t testing.TB, configure func(*cluster.Options), offsets ...int) *harness {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	// Not t.TempDir: its parents are 0700 and the postgres user must
	// reach its own folder inside.
	data, err := os.MkdirTemp("", "titrepro-cluster-")
	if err == nil {
		err = os.Chmod(data, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !t.Failed() {
			os.RemoveAll(data)
		} else {
			t.Logf("data and logs kept in %s", data)
		}
	})
	log := &testLog{t: t}
	bin := filepath.Join(data, "bin")
	if err := cluster.Build(t.Context(), root, bin, log); err != nil {
		t.Fatal(err)
	}
	opts := cluster.Options{Root: root, BinDir: bin, DataDir: filepath.Join(data, "cluster"), Log: log}
	if configure != nil {
		configure(&opts)
	}
	var c *cluster.Cluster
	// Ports of the default layout shifted below Linux's ephemeral range;
	// the first layout whose ports are all free.
	if len(offsets) == 0 {
		offsets = []int{20000, 21000, 22000, 17000}
	}
	for _, offset := range offsets {
		opts.PortOffset = offset
		if c, err = cluster.Start(t.Context(), opts); err == nil || !strings.Contains(err.Error(), "is taken") {
			break
		}
	}
	if err != nil {
		dumpLogs(t, opts.DataDir)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			dumpLogs(t, opts.DataDir)
		}
		if err := c.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	issuer, err := auth.LoadOrCreateLocalIssuer(c.IssuerDataDir(), c.IssuerURL(), "titrepro")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{c: c, issuer: issuer}
	h.rest = newRESTClient(c.GatewayURL(), nil)
	h.rest.http = &http.Client{Timeout: 30 * time.Second, Transport: &retryingTransport{h: h, next: http.DefaultTransport}}
	return h
}

// waitOrFail waits for done, or fails after d.
func waitOrFail(done <-chan struct{}, d time.Duration, what string) error {
	select {
	case <-done:
		return nil
	case <-time.After(d):
		return fmt.Errorf("timed out after %s waiting for %s", d, what)
	}
}

// quiesced runs fault between two REST calls: no call is in flight, so
// that no call's outcome is unknown to the client (a client cannot tell
// whether a call cut off by a crash was committed; the workflow's
// creations carry request ids, but not every step does). The process
// killed still has its relay and consumers in the middle of their work.
func (h *harness) quiesced(fault func() error) error {
	h.calls.Lock()
	defer h.calls.Unlock()
	return fault()
}

// retryingTransport retries a call the topology could not serve at all
// (no connection, 502, 503, 504, or 500 while a part is down): what a
// client does against a service that is restarting. It gives up after
// the recovery bound.
type retryingTransport struct {
	h    *harness
	next http.RoundTripper
}

func (rt *retryingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	deadline := time.Now().Add(recovery)
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.Body != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req.Body = body
		}
		rt.h.calls.RLock()
		resp, err := rt.next.RoundTrip(req)
		retry := err != nil
		if err == nil && (resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusServiceUnavailable ||
			resp.StatusCode == http.StatusGatewayTimeout || resp.StatusCode == http.StatusInternalServerError) {
			retry = true
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			resp.Body = io.NopCloser(bytes.NewReader(raw))
			err = fmt.Errorf("%s %s: HTTP %d: %s", req.Method, req.URL.Path, resp.StatusCode, raw)
		}
		rt.h.calls.RUnlock()
		if !retry {
			return resp, nil
		}
		rt.h.retries.Add(1)
		if time.Now().After(deadline) || req.Context().Err() != nil {
			if resp != nil {
				return resp, nil
			}
			return nil, err
		}
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// phase runs n sessions at once, each with its own centre, jurors and
// candidate, and injects the fault when every session is open with its
// dossier (the fault may wait for the sessions to end, sessionsDone): the jurors' work, the minutes' way to the certification
// service, the validation and the awards happen during the fault or right
// after it. Then it waits for the system to be whole again.
func (h *harness) phase(t *testing.T, name string, n int, fault func(sessionsDone <-chan struct{}) error) []award {
	t.Helper()
	began, retried := time.Now(), h.retries.Load()
	ctx := t.Context()
	results := make([]award, n)
	errs := make([]error, n+1)
	var wg, sessions, halfway sync.WaitGroup
	halfway.Add(n)
	for i := range n {
		sessions.Go(func() {
			once := sync.OnceFunc(halfway.Done)
			defer once()
			w, err := newWorkflow(ctx, h.rest, h.issuer, nil)
			if err != nil {
				errs[i] = fmt.Errorf("session %d: set-up: %w", i, err)
				return
			}
			r, err := openSession(ctx, w)
			if err != nil {
				errs[i] = fmt.Errorf("session %d: %w", i, err)
				return
			}
			once()
			if r, err = finishSession(ctx, w, r); err != nil {
				errs[i] = fmt.Errorf("session %d: %w", i, err)
			}
			results[i] = award{w: w, result: r}
		})
	}
	sessionsDone := make(chan struct{})
	wg.Go(func() {
		sessions.Wait()
		close(sessionsDone)
	})
	wg.Go(func() {
		halfway.Wait()
		if err := fault(sessionsDone); err != nil {
			errs[n] = fmt.Errorf("injecting the fault: %w", err)
		}
	})
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	h.waitWhole(t, name)
	t.Logf("%s: %d sessions through (%d REST calls retried), system whole again, in %s",
		name, n, h.retries.Load()-retried, time.Since(began).Round(100*time.Millisecond))
	return results
}

// natsOutage freezes the three NATS nodes (SIGSTOP: connections stay open,
// nothing answers, as behind a cut network) for d while the jurors
// evaluate, deliberate and sign and new candidates and registers are
// created; then checks that what was written meanwhile flows on.
func (h *harness) natsOutage(t *testing.T, d time.Duration) []award {
	t.Helper()
	ctx := t.Context()
	name := fmt.Sprintf("NATS unreachable for %s", d)
	began := time.Now()
	type open struct {
		w *workflow
		r sessionResult
	}
	before := make([]open, 2)
	for i := range before {
		w, err := newWorkflow(ctx, h.rest, h.issuer, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := openSession(ctx, w)
		if err != nil {
			t.Fatalf("%s: preparing session %d: %v", name, i, err)
		}
		before[i] = open{w, r}
	}
	for i := range 3 {
		if err := h.c.Pause(cluster.NATSName(i)); err != nil {
			t.Fatal(err)
		}
	}
	paused := time.Now()
	resumed := false
	resume := func() {
		if resumed {
			return
		}
		resumed = true
		for i := range 3 {
			if err := h.c.Resume(cluster.NATSName(i)); err != nil {
				t.Error(err)
			}
		}
	}
	defer resume()

	// Writes that need no event: each is acknowledged while NATS is away.
	for _, o := range before {
		scope := o.w.ccpCodes()
		if err := o.w.evaluate(ctx, o.r.sessionID, o.r.candidacyID, scope, nil); err != nil {
			t.Fatalf("%s: evaluate: %v", name, err)
		}
		if _, err := o.w.deliberate(ctx, o.r.sessionID, o.r.candidacyID, scope, nil); err != nil {
			t.Fatalf("%s: deliberate: %v", name, err)
		}
	}
	minutes := make([]string, len(before))
	for i, o := range before {
		m, err := o.w.signMinutes(ctx, o.r.sessionID)
		if err != nil {
			t.Fatalf("%s: sign: %v", name, err)
		}
		minutes[i] = m.GetContentHash()
	}
	// New registers (certification) and candidates (candidate service),
	// whose events the other services need later.
	during := make([]open, 2)
	for i := range during {
		w, err := newWorkflow(ctx, h.rest, h.issuer, nil)
		if err != nil {
			t.Fatalf("%s: registers during the outage: %v", name, err)
		}
		id, err := w.registerCandidate(ctx)
		if err != nil {
			t.Fatalf("%s: candidate during the outage: %v", name, err)
		}
		during[i] = open{w, sessionResult{candidateID: id}}
	}
	if time.Since(paused) > d {
		t.Fatalf("%s: the writes took %s, longer than the outage", name, time.Since(paused).Round(time.Second))
	}
	// The outage is real: the events of those writes wait in the outboxes.
	if n := h.unpublished(t); n == 0 {
		t.Fatalf("%s: no event waits in any outbox while NATS is frozen", name)
	} else {
		t.Logf("%s: %d events wait in the outboxes", name, n)
	}
	t.Logf("%s: %d writes acknowledged in %s with NATS frozen", name, len(before)*5+len(during)*6, time.Since(paused).Round(time.Second))
	time.Sleep(d - time.Since(paused))
	resume()

	var awards []award
	for i, o := range before {
		if err := o.w.validate(ctx, o.r.sessionID, minutes[i]); err != nil {
			t.Fatalf("%s: validate after the outage: %v", name, err)
		}
		certs, err := o.w.certificates(ctx, o.r.candidateID, 1)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		o.r.certificate = certs[0].GetNumber()
		awards = append(awards, award{w: o.w, result: o.r})
	}
	for _, o := range during {
		r, err := continueSession(ctx, o.w, o.r.candidateID)
		if err != nil {
			t.Fatalf("%s: a candidate registered during the outage: %v", name, err)
		}
		awards = append(awards, award{w: o.w, result: r})
	}
	h.waitWhole(t, name)
	if n := h.unpublished(t); n != 0 {
		t.Fatalf("%s: %d events still unpublished after the outage", name, n)
	}
	t.Logf("%s: %d sessions through, system whole again, in %s", name, len(awards), time.Since(began).Round(100*time.Millisecond))
	return awards
}

// continueSession takes an already registered candidate through a whole
// session to the certificate.
func continueSession(ctx context.Context, w *workflow, candidateID string) (sessionResult, error) {
	r, err := openSessionFor(ctx, w, sessionResult{candidateID: candidateID})
	if err != nil {
		return r, err
	}
	return finishSession(ctx, w, r)
}

// waitWhole waits until every process runs, the gateway is ready, every
// service replica is SERVING and every durable consumer has caught up
// with its stream: the system recovered by itself.
func (h *harness) waitWhole(t *testing.T, phase string) {
	t.Helper()
	ctx := t.Context()
	for _, name := range h.c.Names() {
		if !h.c.Process(name).Running() {
			t.Fatalf("%s: process %s is not running", phase, name)
		}
	}
	for _, svc := range cluster.Services {
		for r := 1; r <= h.c.ReplicaCount(svc); r++ {
			if err := h.c.WaitService(ctx, svc, r, recovery); err != nil {
				t.Fatalf("%s: %v", phase, err)
			}
		}
	}
	if err := h.c.WaitGateway(ctx, recovery); err != nil {
		t.Fatalf("%s: %v", phase, err)
	}
	nc, err := h.c.Connect(natsauth.Admin)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(recovery)
	for {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		states, err := h.c.Consumers(cctx, js)
		cancel()
		behind := []string{}
		for _, s := range states {
			if s.NumPending > 0 || s.NumAckPend > 0 {
				behind = append(behind, fmt.Sprintf("%s/%s pending %d unacked %d", s.Stream, s.Durable, s.NumPending, s.NumAckPend))
			}
		}
		if err == nil && len(behind) == 0 && len(states) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: consumers not caught up after %s: %v %v", phase, recovery, err, behind)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// checkAwards: every candidate holds exactly one certificate, the one the
// workflow saw, which verifies; every candidate and session written is
// still there.
func (h *harness) checkAwards(t *testing.T, awards []award) {
	t.Helper()
	ctx := t.Context()
	for _, a := range awards {
		w, r := a.w, a.result
		certs := &certificationv1.ListCertificatesResponse{}
		if err := w.c.call(ctx, asCandidate, w.tokens[asCandidate], "GET", "/v1/certificates", nil, certs); err != nil {
			t.Fatal(err)
		}
		if n := len(certs.GetCertificates()); n != 1 || certs.GetCertificates()[0].GetNumber() != r.certificate {
			t.Errorf("candidate %s holds %d certificates %v; want exactly %s", r.candidateID, n, certs.GetCertificates(), r.certificate)
		}
		v, err := w.verify(ctx, r.certificate)
		if err != nil || !v.GetValid() || !v.GetSignatureValid() {
			t.Errorf("certificate %s: verify = %v, %v", r.certificate, v, err)
		}
		if err := w.call(ctx, asCandidate, "GET", "/v1/candidates/"+r.candidateID, nil, &candidatev1.GetCandidateResponse{}); err != nil {
			t.Errorf("candidate %s lost: %v", r.candidateID, err)
		}
		if err := w.call(ctx, asCentre, "GET", "/v1/sessions/"+r.sessionID, nil, &assessmentv1.GetSessionResponse{}); err != nil {
			t.Errorf("session %s lost: %v", r.sessionID, err)
		}
	}
}

// unpublished counts the events waiting in the four services' outboxes.
func (h *harness) unpublished(t *testing.T) int {
	t.Helper()
	n, err := h.c.UnpublishedEvents(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// streamLeader names the node leading stream.
func (h *harness) streamLeader(ctx context.Context, stream string) (string, error) {
	nc, err := h.c.Connect(natsauth.Admin)
	if err != nil {
		return "", err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return "", err
	}
	s, err := js.Stream(ctx, stream)
	if err != nil {
		return "", err
	}
	if cl := s.CachedInfo().Cluster; cl != nil && cl.Leader != "" {
		return cl.Leader, nil
	}
	return "", fmt.Errorf("stream %s has no leader", stream)
}

// checkStreams: every stream kept its three replicas.
func (h *harness) checkStreams(t *testing.T) {
	t.Helper()
	nc, err := h.c.Connect(natsauth.Admin)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	for _, svc := range cluster.Services {
		s, err := js.Stream(t.Context(), eventbus.ContextStream(svc).Name)
		if err != nil {
			t.Fatal(err)
		}
		if r := s.CachedInfo().Config.Replicas; r != 3 {
			t.Errorf("stream %s has %d replicas; want 3", s.CachedInfo().Config.Name, r)
		}
	}
}

// ministry is the ministry's durable consumer of TitleAwarded, reading as
// the ministry identity through all the faults.
type ministry struct {
	mu         sync.Mutex
	deliveries int
	byID       map[string]*certificationv1.TitleAwarded
}

func startMinistry(t *testing.T, c *cluster.Cluster) *ministry {
	t.Helper()
	nc, err := c.Connect(natsauth.Ministry)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := js.CreateOrUpdateConsumer(t.Context(), eventbus.ContextStream("certification").Name, jetstream.ConsumerConfig{
		Durable: natsauth.MinistryDurable, DeliverPolicy: jetstream.DeliverAllPolicy, AckPolicy: jetstream.AckExplicitPolicy,
		FilterSubject: "titrepro.certification.v1.title_awarded", AckWait: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	m := &ministry{byID: map[string]*certificationv1.TitleAwarded{}}
	cc, err := cons.Consume(func(msg jetstream.Msg) {
		ev := &certificationv1.TitleAwarded{}
		if err := proto.Unmarshal(msg.Data(), ev); err != nil {
			t.Errorf("ministry: undecodable TitleAwarded: %v", err)
			return
		}
		m.mu.Lock()
		m.deliveries++
		m.byID[msg.Headers().Get(eventbus.HeaderID)] = ev
		m.mu.Unlock()
		_ = msg.Ack()
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cc.Stop)
	return m
}

// check waits until the ministry received one TitleAwarded per award, then
// checks that, after de-duplication by event id, there is exactly one per
// certificate and none for anyone else.
func (m *ministry) check(t *testing.T, awards []award) {
	t.Helper()
	want := map[string]string{} // certificate → candidate
	for _, a := range awards {
		want[a.result.certificate] = a.result.candidateID
	}
	deadline := time.Now().Add(recovery)
	for {
		m.mu.Lock()
		n := len(m.byID)
		m.mu.Unlock()
		if n >= len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // a late duplicate would show now
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := map[string]int{}
	for id, ev := range m.byID {
		seen[ev.GetCertificateNumber()]++
		if cand, ok := want[ev.GetCertificateNumber()]; !ok || cand != ev.GetCandidateId() {
			t.Errorf("ministry: TitleAwarded %s for %s certificate %s: no such award", id, ev.GetCandidateId(), ev.GetCertificateNumber())
		}
	}
	for cert, cand := range want {
		if seen[cert] != 1 {
			t.Errorf("ministry: %d TitleAwarded events for certificate %s (candidate %s); want exactly 1", seen[cert], cert, cand)
		}
	}
	t.Logf("ministry: %d TitleAwarded events (%d deliveries, %d redelivered) for %d awards", len(m.byID), m.deliveries, m.deliveries-len(m.byID), len(want))
}

// testLog writes the launcher's lines to the test log.
type testLog struct{ t testing.TB }

func (l *testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// dumpLogs prints the end of every process's log.
func dumpLogs(t testing.TB, dataDir string) {
	logs, _ := filepath.Glob(filepath.Join(dataDir, "logs", "*.log"))
	for _, path := range logs {
		raw, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		if len(raw) > 3000 {
			raw = raw[len(raw)-3000:]
		}
		t.Logf("--- %s (end) ---\n%s", filepath.Base(path), raw)
	}
}

// checkPartsUseTLS: a service refuses a gRPC client without the gateway's
// certificate and answers one with it — the topology the suite breaks runs
// with mutual TLS, as production does.
func checkPartsUseTLS(t *testing.T, c *cluster.Cluster) {
	t.Helper()
	if !c.TLS() {
		t.Fatal("the fault suite must run with TLS between the parts")
	}
	addr := fmt.Sprintf("127.0.0.1:%d", c.Ports().GRPC("candidate", 1))
	check := func(creds credentials.TransportCredentials) error {
		conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
		if err != nil {
			return err
		}
		defer conn.Close()
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, err = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
		return err
	}
	if err := check(insecure.NewCredentials()); err == nil {
		t.Error("candidate answered a plaintext gRPC call")
	}
	clientTLS, err := grpcx.ClientTLS(grpcx.TLSFiles{
		CAFile:   filepath.Join(c.TLSDir(), "ca.crt"),
		CertFile: filepath.Join(c.TLSDir(), "gateway-client.crt"),
		KeyFile:  filepath.Join(c.TLSDir(), "gateway-client.key"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := check(credentials.NewTLS(clientTLS)); err != nil {
		t.Errorf("candidate refused the gateway's certificate: %v", err)
	}
}

// checkEvidenceInObjectStore: the dossiers' evidence went to the S3 store,
// stored once per content under sha256/ in the evidence bucket.
func checkEvidenceInObjectStore(t *testing.T, c *cluster.Cluster, dossiers int) {
	t.Helper()
	if !strings.HasPrefix(c.BlobURL(), "s3://") {
		t.Fatalf("evidence in %s; want the topology's S3 store", c.BlobURL())
	}
	resp, err := http.Get("http://" + c.S3Addr() + "/")
	if err != nil {
		t.Fatalf("S3 store: %v", err)
	}
	resp.Body.Close()
	entries, err := os.ReadDir(filepath.Join(c.DataDir(), "s3", "data", "evidence", "sha256"))
	if err != nil || len(entries) == 0 {
		t.Fatalf("no evidence content in the S3 store after %d dossiers: %v", dossiers, err)
	}
	t.Logf("S3 store: %d evidence contents for %d dossiers", len(entries), dossiers)
}
