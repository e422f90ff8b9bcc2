package main

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/test/bufconn"
)

func TestBothListenerAcceptsTCPAndMemory(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mem := bufconn.Listen(1024)
	l := newBothListener(tcp, mem)
	if l.Addr().String() != tcp.Addr().String() {
		t.Errorf("Addr = %s, want the TCP address %s", l.Addr(), tcp.Addr())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var d net.Dialer
	tc, err := d.DialContext(ctx, "tcp", tcp.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	mc, err := mem.DialContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer mc.Close()
	kinds := map[string]bool{}
	for range 2 {
		c, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		kinds[c.LocalAddr().Network()] = true
		c.Close()
	}
	if !kinds["tcp"] || !kinds["bufconn"] {
		t.Errorf("accepted %v, want a tcp and a bufconn connection", kinds)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close = %v, want net.ErrClosed", err)
	}
	if _, err := d.DialContext(ctx, "tcp", tcp.Addr().String()); err == nil {
		t.Error("the TCP listener still accepts after Close")
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

// TestGatewayCallsServicesInMemory: in the all-in-one, REST calls reach the
// services without a TCP connection, and still through their interceptors
// (a bad token is refused by the service, a call is counted in its metrics).
func TestGatewayCallsServicesInMemory(t *testing.T) {
	t.Parallel()
	s := startServer(t, testConfig(t, t.TempDir()))
	s.expect(t, 200, "GET", "/v1/titles", "", nil) // certification
	s.expect(t, 401, "GET", "/v1/candidates", "not-a-token", nil)

	for name, addr := range map[string]string{
		"candidate": s.cfg.CandidateAddr, "certification": s.cfg.CertificationAddr,
	} {
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatal(err)
		}
		if n := establishedTo(t, port); n > 0 {
			t.Errorf("%d TCP connections to the %s service (%s): the gateway should dial it in memory", n, name, addr)
		}
	}
	metrics := string(s.call(t, "GET", "/metrics", "", nil).body)
	for _, want := range []string{
		`titrepro_grpc_requests_total{code="OK",method="ListTitles",service="titrepro.certification.v1.CertificationService"}`,
		`titrepro_grpc_requests_total{code="Unauthenticated",method="ListCandidates",service="titrepro.candidate.v1.CandidateService"}`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics has no %s", want)
		}
	}
}

// establishedTo counts the established TCP connections of this network
// namespace whose remote port is port (/proc/net/tcp and tcp6).
func establishedTo(t *testing.T, port string) int {
	t.Helper()
	want, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fields := strings.Fields(line)
			if len(fields) < 4 || fields[3] != "01" { // 01: ESTABLISHED
				continue
			}
			i := strings.LastIndexByte(fields[2], ':')
			p, err := strconv.ParseUint(fields[2][i+1:], 16, 16)
			if err == nil && int(p) == want {
				n++
			}
		}
	}
	return n
}
