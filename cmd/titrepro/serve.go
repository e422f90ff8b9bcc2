package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/titrepro/titrepro/gateway"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/telemetry"
	"github.com/titrepro/titrepro/referentiels"
	"github.com/titrepro/titrepro/services/assessment"
	"github.com/titrepro/titrepro/services/candidate"
	"github.com/titrepro/titrepro/services/certification"
	"github.com/titrepro/titrepro/services/portfolio"
)

// runner is what serve needs of a service.
type runner interface {
	Run(ctx context.Context) error
	Addr() string
}

// serve runs every service, the gateway and an embedded JetStream in this
// process, each service on its own SQLite file under the data folder, until
// ctx is cancelled; then it drains in reverse order of dependencies: the HTTP
// server first (no new requests), then the services (their relays and
// consumers finish the message in hand), then NATS.
func serve(ctx context.Context, cfg config, stdout io.Writer) error {
	log := cfg.logger()
	if cfg.otelEnv != nil {
		// One TracerProvider for the whole process: every span has
		// service.name titrepro (OTEL_SERVICE_NAME to change it).
		shutdownTracing, err := telemetry.Setup(ctx, "titrepro", cfg.otelEnv)
		if err != nil {
			return err
		}
		defer telemetry.Flush(shutdownTracing, log)
	}
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	_, statErr := os.Stat(filepath.Join(dataDir, "candidate.db"))
	firstStart := errors.Is(statErr, os.ErrNotExist)

	ident, err := newIdentity(cfg, dataDir)
	if err != nil {
		return err
	}

	bus, err := startBus(cfg, dataDir, log)
	if err != nil {
		return err
	}
	defer bus.close()
	ns := bus.server

	// One registry, served by the gateway on /metrics: its HTTP metrics and
	// the four services' gRPC, outbox and consumer metrics.
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))

	svcCtx, stopServices := context.WithCancel(context.WithoutCancel(ctx))
	defer stopServices()
	// Each service listens on its TCP address and, for the gateway, in
	// memory (inproc.go).
	var hops inprocHops
	listeners := map[string]net.Listener{}
	for name, addr := range map[string]string{
		"candidate": cfg.CandidateAddr, "certification": cfg.CertificationAddr,
		"assessment": cfg.AssessmentAddr, "portfolio": cfg.PortfolioAddr,
	} {
		tcp, err := net.Listen("tcp", addr)
		if err != nil {
			closeListeners(listeners)
			return fmt.Errorf("%s service: listen on %s: %w", name, addr, err)
		}
		listeners[name] = hops.listen(inprocTarget(tcp.Addr().String()), tcp)
	}
	services, err := newServices(svcCtx, cfg, dataDir, log, ident.verifier, bus.js, reg, listeners)
	if err != nil {
		closeListeners(listeners)
		return err
	}

	webCfg, err := webConfig(cfg, dataDir, ident.login)
	if err != nil {
		return err
	}
	gw, err := gateway.New(svcCtx, gateway.Options{
		CandidateAddr:     inprocTarget(services["candidate"].Addr()),
		CertificationAddr: inprocTarget(services["certification"].Addr()),
		AssessmentAddr:    inprocTarget(services["assessment"].Addr()),
		PortfolioAddr:     inprocTarget(services["portfolio"].Addr()),
		DialOptions:       hops.dialOptions(),
		Limits:            cfg.Gateway,
		Logger:            log.With("component", "gateway"),
		Registry:          reg,
		// The identity provider's routes: the local issuer's documents and
		// the development login, or 404 on /oauth/ with an external issuer.
		Extra: ident.routes,
		Web:   webCfg,
	})
	if err != nil {
		return err
	}
	defer gw.Close()

	var wg sync.WaitGroup
	errc := make(chan error, len(services)+1)
	for name, svc := range services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := svc.Run(svcCtx); err != nil {
				errc <- fmt.Errorf("%s service: %w", name, err)
			}
		}()
	}

	lis, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		stopServices()
		wg.Wait()
		return fmt.Errorf("gateway listen on %s: %w", cfg.HTTPAddr, err)
	}
	srv := gw.NewServer(cfg.HTTPAddr)
	go func() {
		if err := srv.Serve(lis); !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("gateway: %w", err)
		}
	}()
	printBanner(stdout, cfg, lis.Addr().String(), ns.ClientURL(), dataDir, firstStart)
	log.Info("titrepro serving", "http", lis.Addr().String(), "nats", ns.ClientURL(), "data", dataDir, "web_login", ident.login)

	var runErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down: draining requests, relays and consumers")
	case runErr = <-errc:
		log.Error("a component stopped; shutting down", "err", runErr)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Warn("gateway shutdown", "err", err)
	}
	stopServices()
	wg.Wait()
	close(errc)
	for err := range errc {
		runErr = errors.Join(runErr, err)
	}
	log.Info("titrepro stopped")
	return runErr
}

// closeListeners closes the services' listeners when serve stops before
// the services own them.
func closeListeners(listeners map[string]net.Listener) {
	for _, l := range listeners {
		_ = l.Close()
	}
}

// newServices builds the four services, each with its own JetStream
// connection from js and its gRPC listener (by service name), their metrics
// registered on reg.
func newServices(ctx context.Context, cfg config, dataDir string, log *slog.Logger, verifier auth.Verifier,
	js map[string]jetstream.JetStream, reg prometheus.Registerer, listeners map[string]net.Listener) (map[string]runner, error) {
	sqlite := func(name string) string { return "sqlite://" + filepath.Join(dataDir, name+".db") }

	candCfg, err := candidate.LoadConfig(func(string) string { return "" })
	if err != nil {
		return nil, err
	}
	candCfg.GRPCAddr, candCfg.DatabaseURL, candCfg.ShutdownTimeout = cfg.CandidateAddr, sqlite("candidate"), cfg.ShutdownTimeout
	candCfg.Mail, candCfg.MaxBanMonths = cfg.Mail, cfg.MaxBanMonths
	cand, err := candidate.New(ctx, candCfg, candidate.Deps{
		Logger: log, Verifier: verifier, JetStream: js["candidate"], Metrics: reg, Listener: listeners["candidate"],
	})
	if err != nil {
		return nil, fmt.Errorf("candidate service: %w", err)
	}

	certCfg, err := certification.LoadConfig(func(k string) string {
		if strings.HasPrefix(k, "CPF_") && cfg.cpfEnv != nil {
			return cfg.cpfEnv(k)
		}
		return ""
	})
	if err != nil {
		return nil, err
	}
	certCfg.GRPCAddr, certCfg.DatabaseURL, certCfg.ShutdownTimeout = cfg.CertificationAddr, sqlite("certification"), cfg.ShutdownTimeout
	certCfg.SigningKeyFile, certCfg.RetiredKeysFile = certificateKeyFiles(dataDir)
	certCfg.PublicURL = cfg.PublicURL
	cert, err := certification.New(ctx, certCfg, certification.Deps{
		Logger: log, Verifier: verifier, JetStream: js["certification"], Referentiels: referentiels.FS, Metrics: reg,
		Listener: listeners["certification"],
	})
	if err != nil {
		return nil, fmt.Errorf("certification service: %w", err)
	}
	assessCfg, err := assessment.LoadConfig(func(string) string { return "" })
	if err != nil {
		return nil, err
	}
	assessCfg.GRPCAddr, assessCfg.DatabaseURL, assessCfg.ShutdownTimeout = cfg.AssessmentAddr, sqlite("assessment"), cfg.ShutdownTimeout
	assess, err := assessment.New(ctx, assessCfg, assessment.Deps{Logger: log, Verifier: verifier, JetStream: js["assessment"], Metrics: reg, Listener: listeners["assessment"]})
	if err != nil {
		return nil, fmt.Errorf("assessment service: %w", err)
	}
	portCfg, err := portfolio.LoadConfig(func(string) string { return "" })
	if err != nil {
		return nil, err
	}
	portCfg.GRPCAddr, portCfg.DatabaseURL, portCfg.ShutdownTimeout = cfg.PortfolioAddr, sqlite("portfolio"), cfg.ShutdownTimeout
	portCfg.BlobURL = "file://" + filepath.Join(dataDir, "blobs")
	port, err := portfolio.New(ctx, portCfg, portfolio.Deps{Logger: log, Verifier: verifier, JetStream: js["portfolio"], Metrics: reg, Listener: listeners["portfolio"]})
	if err != nil {
		return nil, fmt.Errorf("portfolio service: %w", err)
	}
	return map[string]runner{"candidate": cand, "certification": cert, "assessment": assess, "portfolio": port}, nil
}

func printBanner(w io.Writer, cfg config, httpAddr, natsURL, dataDir string, firstStart bool) {
	base := cfg.PublicURL
	fmt.Fprintf(w, "\ntitrepro is running.\n")
	fmt.Fprintf(w, "  web application %s/  (listening on %s)\n", base, httpAddr)
	fmt.Fprintf(w, "  REST API       %s/v1/\n", base)
	fmt.Fprintf(w, "  API docs       %s/docs   OpenAPI: %s/openapi.json\n", base, base)
	fmt.Fprintf(w, "  health         %s/healthz  %s/readyz  metrics: %s/metrics\n", base, base, base)
	fmt.Fprintf(w, "  NATS JetStream %s   data: %s\n", natsURL, dataDir)
	fmt.Fprintf(w, "                 no anonymous access; ministry credentials: bin/titrepro nats-credentials ministry\n")
	if cfg.Mail.Host == "" {
		fmt.Fprintf(w, "  e-mail         no SMTP server (TITREPRO_SMTP_HOST): notifications written to %s\n", cfg.Mail.PickupDir)
	} else {
		fmt.Fprintf(w, "  e-mail         %s\n", cfg.Mail)
	}
	switch login := cfg.webLogin(); {
	case cfg.OIDCIssuer != "":
		fmt.Fprintf(w, "  identity       tokens from %s (client %s)\n", cfg.OIDCIssuer, login.ClientID)
	case cfg.DevLogin:
		fmt.Fprintf(w, "  identity       development login on (%s/oauth/authorize): any role, no password; never in production\n", base)
	default:
		fmt.Fprintf(w, "  identity       local issuer, tokens from bin/titrepro token (development login off)\n")
	}
	if firstStart {
		fmt.Fprintf(w, "\nFirst start: the catalogue holds TP-00495 (try: curl %s/v1/titles).\n", base)
	}
	if cfg.OIDCIssuer != "" {
		fmt.Fprintf(w, "Press Ctrl-C to stop; every record is kept in %s.\n\n", dataDir)
		return
	}
	fmt.Fprintf(w, "\nGet a token (in another terminal):\n")
	fmt.Fprintf(w, "  TOKEN=$(bin/titrepro token --role centre --subject centre-user-1 --centre CENTRE-75-001)\n")
	fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $TOKEN\" %s/v1/candidates\n", base)
	fmt.Fprintf(w, "Press Ctrl-C to stop; every record is kept in %s.\n\n", dataDir)
}
