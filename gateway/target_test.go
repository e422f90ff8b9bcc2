package gateway_test

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/grpcx"
)

// countingBackend is a backend that counts the titles it serves.
type countingBackend struct {
	backend
	calls *atomic.Int64
}

func (b countingBackend) GetTitle(ctx context.Context, req *certificationv1.GetTitleRequest) (*certificationv1.GetTitleResponse, error) {
	b.calls.Add(1)
	return b.backend.GetTitle(ctx, req)
}

// startCountingBackend serves a counting backend; stop kills it.
func startCountingBackend(t *testing.T) (addr string, calls *atomic.Int64, stop func()) {
	t.Helper()
	srv, _ := grpcx.NewServer(grpcx.ServerOptions{
		Domain:        "certification.titrepro",
		PublicMethods: []string{"/titrepro.certification.v1.CertificationService/GetTitle"},
	})
	calls = new(atomic.Int64)
	certificationv1.RegisterCertificationServiceServer(srv, countingBackend{calls: calls})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String(), calls, srv.Stop
}

// TestAddressListBalancesAndSkipsADeadReplica: a comma-separated service
// address spreads the calls over both replicas, and once one is gone
// every call goes to the other.
func TestAddressListBalancesAndSkipsADeadReplica(t *testing.T) {
	t.Parallel()
	addrA, callsA, stopA := startCountingBackend(t)
	addrB, callsB, _ := startCountingBackend(t)
	ts := newGateway(t, addrA+","+addrB)
	get := func() int {
		resp, err := http.Get(ts.URL + "/v1/titles/TP-00495")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for range 20 {
		if code := get(); code != http.StatusOK {
			t.Fatalf("GET with both replicas up = %d; want 200", code)
		}
	}
	if callsA.Load() == 0 || callsB.Load() == 0 {
		t.Fatalf("calls: A %d, B %d; want both replicas used", callsA.Load(), callsB.Load())
	}
	stopA()
	// The balancer learns that A is gone from its connection; a call in
	// that instant may fail, none after.
	deadline := time.Now().Add(5 * time.Second)
	for get() != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("no successful call 5 s after a replica stopped")
		}
		time.Sleep(20 * time.Millisecond)
	}
	before := callsB.Load()
	for range 10 {
		if code := get(); code != http.StatusOK {
			t.Fatalf("GET with one replica left = %d; want 200", code)
		}
	}
	if got := callsB.Load() - before; got != 10 {
		t.Fatalf("replica B served %d of 10 calls after A stopped; want all", got)
	}
}
