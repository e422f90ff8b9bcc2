package grpcx_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/titrepro/titrepro/internal/devcerts"
	"github.com/titrepro/titrepro/internal/grpcx"
)

// serveTLS serves a grpcx server with cfg on a real loopback listener and
// returns its address.
func serveTLS(t *testing.T, cfg *tls.Config, log *slog.Logger) string {
	t.Helper()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv, hs := grpcx.NewServer(grpcx.ServerOptions{Domain: testDomain, TLS: cfg, Logger: log})
	hs.SetServingStatus("", healthgrpc.HealthCheckResponse_SERVING)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

// check makes one health call to addr with client TLS cfg (nil: plaintext)
// and returns its error and the server's certificate.
func check(t *testing.T, addr string, cfg *tls.Config) (*x509.Certificate, error) {
	t.Helper()
	conn, err := grpcx.Dial(addr, grpcx.TransportCredentials(cfg))
	require.NoError(t, err)
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var p peer.Peer
	_, err = healthgrpc.NewHealthClient(conn).Check(ctx, &healthgrpc.HealthCheckRequest{}, grpc.Peer(&p))
	if err != nil {
		return nil, err
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	require.True(t, ok, "the call was not over TLS: %T", p.AuthInfo)
	require.Equal(t, uint16(tls.VersionTLS13), info.State.Version)
	return info.State.PeerCertificates[0], nil
}

func TestMutualTLSAcceptsOnlyClientsOfTheAuthority(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := devcerts.Generate(dir, devcerts.Options{})
	require.NoError(t, err)
	file := func(name string) string { return filepath.Join(dir, name) }
	serverCfg, err := grpcx.ServerTLS(grpcx.TLSFiles{CertFile: file("candidate.crt"), KeyFile: file("candidate.key"), CAFile: file("ca.crt")})
	require.NoError(t, err)
	var logs syncBuffer
	addr := serveTLS(t, serverCfg, slog.New(slog.NewTextHandler(&logs, nil)))

	gateway, err := grpcx.ClientTLS(grpcx.TLSFiles{CAFile: file("ca.crt"), CertFile: file("gateway-client.crt"), KeyFile: file("gateway-client.key")})
	require.NoError(t, err)
	cert, err := check(t, addr, gateway)
	require.NoError(t, err, "the gateway's client certificate")
	require.Equal(t, "candidate", cert.Subject.CommonName)

	// Without a client certificate: the server ends the handshake.
	anonymous, err := grpcx.ClientTLS(grpcx.TLSFiles{CAFile: file("ca.crt")})
	require.NoError(t, err)
	_, err = check(t, addr, anonymous)
	require.Equal(t, codes.Unavailable, status.Code(err), "no client certificate: %v", err)

	// A client certificate of another authority.
	other := t.TempDir()
	_, err = devcerts.Generate(other, devcerts.Options{})
	require.NoError(t, err)
	stranger, err := grpcx.ClientTLS(grpcx.TLSFiles{CAFile: file("ca.crt"),
		CertFile: filepath.Join(other, "gateway-client.crt"), KeyFile: filepath.Join(other, "gateway-client.key")})
	require.NoError(t, err)
	_, err = check(t, addr, stranger)
	require.Equal(t, codes.Unavailable, status.Code(err), "another authority's certificate: %v", err)
	require.Eventually(t, func() bool {
		return strings.Contains(logs.String(), `msg="TLS handshake refused"`) && strings.Contains(logs.String(), "certificate signed by unknown authority")
	}, 5*time.Second, 10*time.Millisecond, "the service logs the refused handshake: %s", logs.String())

	// An expired client certificate of the right authority: the service's
	// log says so (docs/operations.md, "Certificates").
	ca, err := devcerts.LoadCA(file("ca.crt"), file("ca.key"))
	require.NoError(t, err)
	crt, key, err := ca.Issue("gateway-client", nil, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, time.Now().AddDate(-1, 0, 0), time.Now().Add(-time.Hour))
	require.NoError(t, err)
	expiredDir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(expiredDir, "c.crt"), crt, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(expiredDir, "c.key"), key, 0o600))
	expired, err := grpcx.ClientTLS(grpcx.TLSFiles{CAFile: file("ca.crt"), CertFile: filepath.Join(expiredDir, "c.crt"), KeyFile: filepath.Join(expiredDir, "c.key")})
	require.NoError(t, err)
	_, err = check(t, addr, expired)
	// The client reads "remote error: tls: expired certificate" or, when
	// the server closed first, a broken pipe: TLS 1.3 verifies client
	// certificates after the client thinks the handshake is over.
	require.Equal(t, codes.Unavailable, status.Code(err), "expired client certificate: %v", err)
	require.Eventually(t, func() bool {
		return strings.Contains(logs.String(), "x509: certificate has expired or is not yet valid")
	}, 5*time.Second, 10*time.Millisecond, "the service logs the expired certificate: %s", logs.String())

	// Plaintext against a TLS server.
	_, err = check(t, addr, nil)
	require.Equal(t, codes.Unavailable, status.Code(err), "plaintext: %v", err)

	// A client that does not trust the server's authority.
	wrongCA, err := grpcx.ClientTLS(grpcx.TLSFiles{CAFile: filepath.Join(other, "ca.crt"), CertFile: file("gateway-client.crt"), KeyFile: file("gateway-client.key")})
	require.NoError(t, err)
	_, err = check(t, addr, wrongCA)
	require.Equal(t, codes.Unavailable, status.Code(err), "untrusted server: %v", err)
	require.ErrorContains(t, err, "certificate signed by unknown authority")
}

func TestServerCertificateIsReloadedWhenItsFilesChange(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := devcerts.Generate(dir, devcerts.Options{})
	require.NoError(t, err)
	file := func(name string) string { return filepath.Join(dir, name) }
	serverCfg, err := grpcx.ServerTLS(grpcx.TLSFiles{CertFile: file("portfolio.crt"), KeyFile: file("portfolio.key"), CAFile: file("ca.crt")})
	require.NoError(t, err)
	addr := serveTLS(t, serverCfg, nil)
	client, err := grpcx.ClientTLS(grpcx.TLSFiles{CAFile: file("ca.crt"), CertFile: file("gateway-client.crt"), KeyFile: file("gateway-client.key")})
	require.NoError(t, err)
	before, err := check(t, addr, client)
	require.NoError(t, err)

	// Reissue with the same authority, as an operator renewing certificates
	// does; make sure the change time moves even on a coarse clock.
	_, err = devcerts.Generate(dir, devcerts.Options{})
	require.NoError(t, err)
	later := time.Now().Add(2 * time.Second)
	require.NoError(t, os.Chtimes(file("portfolio.crt"), later, later))
	after, err := check(t, addr, client)
	require.NoError(t, err)
	require.NotEqual(t, before.SerialNumber, after.SerialNumber, "the renewed certificate is served")

	// A broken file keeps the last good certificate.
	require.NoError(t, os.WriteFile(file("portfolio.crt"), []byte("not a certificate"), 0o644))
	kept, err := check(t, addr, client)
	require.NoError(t, err)
	require.Equal(t, after.SerialNumber, kept.SerialNumber)
}

func TestTLSFilesMustComeInPairs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := devcerts.Generate(dir, devcerts.Options{})
	require.NoError(t, err)
	_, err = grpcx.ServerTLS(grpcx.TLSFiles{CertFile: filepath.Join(dir, "nats.crt")})
	require.Error(t, err)
	_, err = grpcx.ClientTLS(grpcx.TLSFiles{CertFile: filepath.Join(dir, "gateway-client.crt")})
	require.Error(t, err)
	_, err = grpcx.ServerTLS(grpcx.TLSFiles{CertFile: filepath.Join(dir, "nats.crt"), KeyFile: filepath.Join(dir, "candidate.key")})
	require.ErrorContains(t, err, "private key does not match public key")
	_, err = grpcx.ServerTLS(grpcx.TLSFiles{CertFile: filepath.Join(dir, "nats.crt"), KeyFile: filepath.Join(dir, "nats.key"), CAFile: filepath.Join(dir, "nats.key")})
	require.ErrorContains(t, err, "no PEM certificate")
}
