package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/reflect/protoregistry"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/devcerts"
	"github.com/titrepro/titrepro/internal/grpcx"
)

// The standalone gateway links no service code, so it must register the
// error detail types itself; otherwise every error with details becomes a
// 500 "failed to marshal error message".
func TestErrorDetailTypesAreLinked(t *testing.T) {
	for _, name := range []string{"google.rpc.ErrorInfo", "google.rpc.BadRequest", "google.rpc.PreconditionFailure"} {
		if _, err := protoregistry.GlobalTypes.FindMessageByURL("type.googleapis.com/" + name); err != nil {
			t.Errorf("%s is not registered: %v", name, err)
		}
	}
}

func TestWebConfigFromTheEnvironment(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg, err := webConfig(env(nil))
	if err != nil || cfg.IssuerURL != "" {
		t.Fatalf("no variables: %+v, %v; want login off and no error", cfg, err)
	}
	keyFile := t.TempDir() + "/cookie.key"
	cfg, err = webConfig(env(map[string]string{
		"OIDC_ISSUER": "https://idp.example/realms/titrepro/", "PUBLIC_URL": "https://titrepro.example",
		"WEB_COOKIE_KEY_FILE": keyFile, "WEB_MARIANNE": "true",
	}))
	if err != nil || cfg.IssuerURL != "https://idp.example/realms/titrepro" || len(cfg.CookieKey) != 32 || !cfg.Marianne {
		t.Fatalf("full configuration: %+v, %v", cfg, err)
	}
	for name, m := range map[string]map[string]string{
		"no public URL": {"OIDC_ISSUER": "https://idp.example", "WEB_COOKIE_KEY_FILE": keyFile},
		"no key file":   {"OIDC_ISSUER": "https://idp.example", "PUBLIC_URL": "https://titrepro.example"},
		"bad Marianne":  {"WEB_MARIANNE": "oui"},
	} {
		if _, err := webConfig(env(m)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// titles is a certification service that knows every title, enough for a
// REST call to cross the gateway.
type titles struct {
	certificationv1.UnimplementedCertificationServiceServer
}

func (titles) GetTitle(_ context.Context, req *certificationv1.GetTitleRequest) (*certificationv1.GetTitleResponse, error) {
	return &certificationv1.GetTitleResponse{Title: &certificationv1.Title{Id: req.GetTitleId(), Label: "served over mTLS"}}, nil
}

// TestRESTCallsReachServicesOverMutualTLS runs the standalone gateway as its
// main does, from the environment, in front of a service that requires
// client certificates of the development authority.
func TestRESTCallsReachServicesOverMutualTLS(t *testing.T) {
	dir := t.TempDir()
	if _, err := devcerts.Generate(dir, devcerts.Options{}); err != nil {
		t.Fatal(err)
	}
	file := func(name string) string { return filepath.Join(dir, name) }
	serverTLS, err := grpcx.ServerTLS(grpcx.TLSFiles{CertFile: file("certification.crt"), KeyFile: file("certification.key"), CAFile: file("ca.crt")})
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := grpcx.NewServer(grpcx.ServerOptions{
		Domain: "certification.titrepro", TLS: serverTLS,
		PublicMethods: []string{certificationv1.CertificationService_GetTitle_FullMethodName},
	})
	certificationv1.RegisterCertificationServiceServer(srv, titles{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)

	var logs syncBuffer
	get := func(t *testing.T, env map[string]string) (int, string) {
		scheme, client := "http", http.DefaultClient
		if env["HTTP_TLS_CERT_FILE"] != "" {
			roots := x509.NewCertPool()
			pem, err := os.ReadFile(file("ca.crt"))
			if err != nil || !roots.AppendCertsFromPEM(pem) {
				t.Fatalf("ca.crt: %v", err)
			}
			scheme, client = "https", &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
		}
		for _, name := range []string{"CANDIDATE_SERVICE_ADDR", "CERTIFICATION_SERVICE_ADDR", "ASSESSMENT_SERVICE_ADDR", "PORTFOLIO_SERVICE_ADDR"} {
			t.Setenv(name, lis.Addr().String())
		}
		for k, v := range env {
			t.Setenv(k, v)
		}
		free, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := free.Addr().String()
		free.Close()
		t.Setenv("HTTP_ADDR", addr)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- run(ctx, slog.New(slog.NewTextHandler(&logs, nil))) }()
		defer func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: %v", err)
			}
		}()
		deadline := time.Now().Add(10 * time.Second)
		for {
			resp, err := client.Get(scheme + "://" + addr + "/v1/titles/TP-00495")
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return resp.StatusCode, string(body)
			}
			if time.Now().After(deadline) {
				t.Fatalf("gateway not listening: %v", err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	t.Run("with the gateway's client certificate", func(t *testing.T) {
		code, body := get(t, map[string]string{"SERVICES_TLS_CA_FILE": file("ca.crt"),
			"SERVICES_TLS_CERT_FILE": file("gateway-client.crt"), "SERVICES_TLS_KEY_FILE": file("gateway-client.key")})
		if code != http.StatusOK || !strings.Contains(body, "served over mTLS") {
			t.Fatalf("GET title = %d %s; want 200 from the service", code, body)
		}
	})
	t.Run("over HTTPS", func(t *testing.T) {
		code, body := get(t, map[string]string{"SERVICES_TLS_CA_FILE": file("ca.crt"),
			"SERVICES_TLS_CERT_FILE": file("gateway-client.crt"), "SERVICES_TLS_KEY_FILE": file("gateway-client.key"),
			"HTTP_TLS_CERT_FILE": file("gateway.crt"), "HTTP_TLS_KEY_FILE": file("gateway.key")})
		if code != http.StatusOK || !strings.Contains(body, "served over mTLS") {
			t.Fatalf("GET title over HTTPS = %d %s; want 200 from the service", code, body)
		}
	})
	t.Run("without a client certificate", func(t *testing.T) {
		code, body := get(t, map[string]string{"SERVICES_TLS_CA_FILE": file("ca.crt")})
		if code != http.StatusServiceUnavailable {
			t.Fatalf("GET title = %d %s; want 503: the service refuses the handshake", code, body)
		}
		if !strings.Contains(logs.String(), `msg="service unreachable" path=/v1/titles/TP-00495`) {
			t.Errorf("the gateway did not log why: %s", logs.String())
		}
	})
	t.Run("in plaintext", func(t *testing.T) {
		code, body := get(t, nil)
		if code != http.StatusServiceUnavailable {
			t.Fatalf("GET title = %d %s; want 503", code, body)
		}
	})
}

func TestServicesTLSFromTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	if _, err := devcerts.Generate(dir, devcerts.Options{}); err != nil {
		t.Fatal(err)
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if cfg, err := servicesTLS(env(nil)); cfg != nil || err != nil {
		t.Fatalf("nothing set: %v, %v; want plaintext", cfg, err)
	}
	for name, m := range map[string]map[string]string{
		"no authority":      {"SERVICES_TLS_CERT_FILE": dir + "/gateway-client.crt", "SERVICES_TLS_KEY_FILE": dir + "/gateway-client.key"},
		"no key":            {"SERVICES_TLS_CA_FILE": dir + "/ca.crt", "SERVICES_TLS_CERT_FILE": dir + "/gateway-client.crt"},
		"missing authority": {"SERVICES_TLS_CA_FILE": dir + "/nope.crt"},
		"mismatched key":    {"SERVICES_TLS_CA_FILE": dir + "/ca.crt", "SERVICES_TLS_CERT_FILE": dir + "/gateway-client.crt", "SERVICES_TLS_KEY_FILE": dir + "/nats.key"},
	} {
		if _, err := servicesTLS(env(m)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestHTTPTLSFromTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	if _, err := devcerts.Generate(dir, devcerts.Options{}); err != nil {
		t.Fatal(err)
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if cfg, err := httpTLS(env(nil)); cfg != nil || err != nil {
		t.Fatalf("nothing set: %v, %v; want plain HTTP", cfg, err)
	}
	cfg, err := httpTLS(env(map[string]string{"HTTP_TLS_CERT_FILE": dir + "/gateway.crt", "HTTP_TLS_KEY_FILE": dir + "/gateway.key"}))
	if err != nil || cfg.MinVersion != tls.VersionTLS12 {
		t.Fatalf("HTTPS: %v, %v; want TLS 1.2 at least", cfg, err)
	}
	if _, err := httpTLS(env(map[string]string{"HTTP_TLS_CERT_FILE": dir + "/gateway.crt"})); err == nil {
		t.Error("certificate without key: no error")
	}
}

func TestRemoteAddrsAreTheOnesOffThisMachine(t *testing.T) {
	got := remoteAddrs("127.0.0.1:9091", "[::1]:9092", "localhost:9093", "certification:9094", "dns:///10.0.0.5:9090", "127.0.0.1:9093,127.0.0.1:9193")
	if strings.Join(got, " ") != "certification:9094 dns:///10.0.0.5:9090" {
		t.Fatalf("remoteAddrs = %v", got)
	}
}

// syncBuffer is a log sink safe for the gateway's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
