package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/devcerts"
	"github.com/titrepro/titrepro/internal/svctest"
	"github.com/titrepro/titrepro/services/assessment"
	"github.com/titrepro/titrepro/services/candidate"
	"github.com/titrepro/titrepro/services/certification"
	"github.com/titrepro/titrepro/services/portfolio"
)

// TestTheFourServicesAnswerTheStandaloneGatewayOverMutualTLS runs the four
// real services configured from the environment as their commands are
// (GRPC_TLS_* read by each LoadConfig), and the standalone gateway with
// SERVICES_TLS_*: /readyz reaches every service's health over mutual TLS,
// and a REST call reaches the certification service.
func TestTheFourServicesAnswerTheStandaloneGatewayOverMutualTLS(t *testing.T) {
	certs := t.TempDir()
	if _, err := devcerts.Generate(certs, devcerts.Options{}); err != nil {
		t.Fatal(err)
	}
	file := func(name string) string { return filepath.Join(certs, name) }
	dir := t.TempDir()
	envOf := func(name string) func(string) string {
		env := map[string]string{
			"GRPC_TLS_CERT_FILE": file(name + ".crt"), "GRPC_TLS_KEY_FILE": file(name + ".key"), "GRPC_TLS_CLIENT_CA_FILE": file("ca.crt"),
			"DATABASE_URL": "sqlite://" + filepath.Join(dir, name+".db"), "SHUTDOWN_TIMEOUT": "5s",
			"MAIL_PICKUP_DIR": filepath.Join(dir, "mail"), "BLOB_URL": "file://" + filepath.Join(dir, "blobs"),
			"CERTIFICATE_KEY_FILE": filepath.Join(dir, "certificate.pem"), "CERTIFICATE_RETIRED_KEYS_FILE": filepath.Join(dir, "retired.json"),
		}
		return func(k string) string { return env[k] }
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	e := svctest.NewEnv(t)
	addrs := map[string]string{}

	candCfg, err := candidate.LoadConfig(envOf("candidate"))
	must("candidate config", err)
	cand, err := candidate.New(t.Context(), candCfg, candidate.Deps{Logger: e.Logger, Verifier: e.Verifier,
		JetStream: e.JetStreamAs(t, "candidate"), Listener: svctest.Listen(t)})
	must("candidate", err)
	addrs["CANDIDATE_SERVICE_ADDR"] = svctest.Start(t, cand).Conn.Target()

	certCfg, err := certification.LoadConfig(envOf("certification"))
	must("certification config", err)
	cert, err := certification.New(t.Context(), certCfg, certification.Deps{Logger: e.Logger, Verifier: e.Verifier,
		JetStream: e.JetStreamAs(t, "certification"), Listener: svctest.Listen(t),
		Referentiels: os.DirFS(filepath.Join("..", "..", "..", "referentiels"))})
	must("certification", err)
	addrs["CERTIFICATION_SERVICE_ADDR"] = svctest.Start(t, cert).Conn.Target()

	assessCfg, err := assessment.LoadConfig(envOf("assessment"))
	must("assessment config", err)
	assess, err := assessment.New(t.Context(), assessCfg, assessment.Deps{Logger: e.Logger, Verifier: e.Verifier,
		JetStream: e.JetStreamAs(t, "assessment"), Listener: svctest.Listen(t)})
	must("assessment", err)
	addrs["ASSESSMENT_SERVICE_ADDR"] = svctest.Start(t, assess).Conn.Target()

	portCfg, err := portfolio.LoadConfig(envOf("portfolio"))
	must("portfolio config", err)
	port, err := portfolio.New(t.Context(), portCfg, portfolio.Deps{Logger: e.Logger, Verifier: e.Verifier,
		JetStream: e.JetStreamAs(t, "portfolio"), Listener: svctest.Listen(t)})
	must("portfolio", err)
	addrs["PORTFOLIO_SERVICE_ADDR"] = svctest.Start(t, port).Conn.Target()

	for k, v := range addrs {
		t.Setenv(k, v)
	}
	t.Setenv("SERVICES_TLS_CA_FILE", file("ca.crt"))
	t.Setenv("SERVICES_TLS_CERT_FILE", file("gateway-client.crt"))
	t.Setenv("SERVICES_TLS_KEY_FILE", file("gateway-client.key"))
	free, err := net.Listen("tcp", "127.0.0.1:0")
	must("free port", err)
	httpAddr := free.Addr().String()
	free.Close()
	t.Setenv("HTTP_ADDR", httpAddr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("gateway: %v", err)
		}
	})

	get := func(path string) (int, string, error) {
		resp, err := http.Get("http://" + httpAddr + path)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), nil
	}
	svctest.Eventually(t, "the gateway is ready: every service answers its health check over mutual TLS", func() error {
		code, body, err := get("/readyz")
		if err == nil && code != http.StatusOK {
			return &statusError{code, body}
		}
		return err
	})
	code, body, err := get("/v1/titles")
	must("GET /v1/titles", err)
	if code != http.StatusOK || !strings.Contains(body, `"titles"`) {
		t.Fatalf("GET /v1/titles = %d %s; want the catalogue", code, body)
	}
}

type statusError struct {
	code int
	body string
}

func (e *statusError) Error() string { return http.StatusText(e.code) + ": " + e.body }
