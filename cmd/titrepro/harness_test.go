package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// testServer is one all-in-one titrepro started by a test, on free loopback
// ports and a data folder the test owns.
type testServer struct {
	cfg    config
	base   string
	stop   func()
	output *lockedBuffer
}

// lockedBuffer collects the server's standard output, which serve writes
// from its own goroutine while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freeAddr returns a loopback address free at the time of the call, for a
// server the test starts a moment later. Ports come from below Linux's
// ephemeral range (32768–60999), where no outgoing connection of a test
// running in parallel can take one between this call and the server's
// bind, and one after the other from a random start, so that two servers
// of this process never get the same port (":0" failed both ways, one
// time in a few hundred under load).
func freeAddr(t testing.TB) string {
	t.Helper()
	ports.Lock()
	defer ports.Unlock()
	if ports.next == 0 {
		ports.next = 20000 + rand.IntN(10000)
	}
	for range 2000 {
		port := ports.next
		ports.next++
		if ports.next >= 32000 {
			ports.next = 20000
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		addr := l.Addr().String()
		l.Close()
		return addr
	}
	t.Fatal("no free port between 20000 and 32000")
	return ""
}

// ports is the next port freeAddr tries.
var ports struct {
	sync.Mutex
	next int
}

func testConfig(t testing.TB, dataDir string) config {
	t.Helper()
	return testConfigEnv(t, dataDir, nil)
}

// testConfigEnv is testConfig with more variables, or other values.
func testConfigEnv(t testing.TB, dataDir string, extra map[string]string) config {
	t.Helper()
	env := testEnv(t, dataDir, extra)
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// testEnv returns the TITREPRO_* variables of testConfigEnv, for a server
// started in another process (benchServer).
func testEnv(t testing.TB, dataDir string, extra map[string]string) map[string]string {
	t.Helper()
	httpAddr := freeAddr(t)
	env := map[string]string{
		"TITREPRO_DATA_DIR":           dataDir,
		"TITREPRO_HTTP_ADDR":          httpAddr,
		"TITREPRO_PUBLIC_URL":         "http://" + httpAddr,
		"TITREPRO_NATS_ADDR":          freeAddr(t),
		"TITREPRO_CANDIDATE_ADDR":     freeAddr(t),
		"TITREPRO_CERTIFICATION_ADDR": freeAddr(t),
		"TITREPRO_ASSESSMENT_ADDR":    freeAddr(t),
		"TITREPRO_PORTFOLIO_ADDR":     freeAddr(t),
		"TITREPRO_LOG_LEVEL":          "warn",
		"TITREPRO_SHUTDOWN_TIMEOUT":   "10s",
		// Every test client shares 127.0.0.1: per-address rate limits off,
		// except in the test of the limits, which sets its own.
		"TITREPRO_RATE_LIMIT_ANONYMOUS":     "0",
		"TITREPRO_RATE_LIMIT_AUTH_FAILURES": "0",
	}
	maps.Copy(env, extra)
	return env
}

// startServer runs `titrepro serve` in this process and waits for /readyz.
func startServer(t testing.TB, cfg config) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, out) }()
	s := &testServer{cfg: cfg, base: cfg.PublicURL, output: out}
	var once bool
	s.stop = func() {
		if once {
			return
		}
		once = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30 s")
		}
	}
	t.Cleanup(s.stop)
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v", err)
		default:
		}
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready after 30 s (last: %v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// mustToken mints a token with the server's local issuer, as `titrepro token` does.
func (s *testServer) mustToken(t *testing.T, role, subject, centre string) string {
	t.Helper()
	var out bytes.Buffer
	args := []string{"--role", role, "--subject", subject}
	if centre != "" {
		args = append(args, "--centre", centre)
	}
	if err := token(s.cfg, args, &out); err != nil {
		t.Fatalf("token: %v", err)
	}
	return strings.TrimSpace(out.String())
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not JSON (%d): %s", r.status, r.body)
	}
	return m
}

// call sends a REST request; body is JSON-encoded unless it is nil.
func (s *testServer) call(t *testing.T, method, path, token string, body any) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: raw}
}

func (s *testServer) expect(t *testing.T, want int, method, path, token string, body any) map[string]any {
	t.Helper()
	r := s.call(t, method, path, token, body)
	if r.status != want {
		t.Fatalf("%s %s = HTTP %d; want %d: %s", method, path, r.status, want, r.body)
	}
	if len(r.body) == 0 || r.body[0] != '{' {
		return nil
	}
	return r.json(t)
}

// eventually polls cond until it holds or 10 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func dig(m map[string]any, path ...any) any {
	var cur any = m
	for _, p := range path {
		switch k := p.(type) {
		case string:
			mm, ok := cur.(map[string]any)
			if !ok {
				return nil
			}
			cur = mm[k]
		case int:
			arr, ok := cur.([]any)
			if !ok || k >= len(arr) {
				return nil
			}
			cur = arr[k]
		default:
			panic(fmt.Sprintf("dig: bad path element %v", p))
		}
	}
	return cur
}
