package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
)

// issuerCommand serves the local development issuer alone: its discovery
// document, its key set at /.well-known/jwks.json and, with the
// development login on (the default without TITREPRO_OIDC_ISSUER), the
// login page, token and logout endpoints for the web application's client
// at --web-url. Standalone services verify its tokens with the keys they
// fetch (AUTH_ISSUER = the issuer URL, AUTH_JWKS_URL = {issuer}/.well-known/jwks.json);
// `titrepro token` with the same TITREPRO_DATA_DIR and TITREPRO_PUBLIC_URL
// mints tokens it signs.
//
// The issuer URL (the tokens' "iss") is TITREPRO_PUBLIC_URL when set,
// otherwise http://localhost:PORT of --addr.
func issuerCommand(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("issuer", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	addr := fs.String("addr", "127.0.0.1:8090", "host:port to listen on")
	webURL := fs.String("web-url", "http://localhost:8080", "public URL of the gateway whose web application logs in here")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("issuer: unexpected arguments %q", fs.Args())
	}
	if cfg.OIDCIssuer != "" {
		return errors.New("issuer: TITREPRO_OIDC_ISSUER is set: the tokens come from that provider, not from a local issuer")
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return fmt.Errorf("issuer: --addr: want host:port, got %q", *addr)
	}
	if err := checkBaseURL(*webURL, false); err != nil {
		return fmt.Errorf("issuer: --web-url: %w", err)
	}
	if os.Getenv("TITREPRO_PUBLIC_URL") == "" {
		cfg.PublicURL = "http://localhost" + portSuffix(*addr)
	}
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("issuer: %w", err)
	}
	h, err := issuerHandler(cfg, strings.TrimRight(*webURL, "/"))
	if err != nil {
		lis.Close()
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "titrepro issuer %s on %s (JWKS %s%s, dev login %t)\n", cfg.PublicURL, lis.Addr(), cfg.PublicURL, auth.JWKSPath, cfg.DevLogin)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(lis) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// issuerHandler serves the issuer's routes and answers 404 elsewhere.
func issuerHandler(cfg config, webURL string) (http.Handler, error) {
	issuer, err := localIssuer(cfg)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	if !cfg.DevLogin {
		mux.Handle("GET /.well-known/", issuer.Handler())
		return mux, nil
	}
	provider, err := auth.NewDevProvider(issuer, auth.ProviderOptions{
		Clients: []auth.OIDCClient{{
			ID:                     cfg.OIDCClientID,
			RedirectURIs:           []string{webURL + "/auth/callback"},
			PostLogoutRedirectURIs: []string{webURL + "/"},
		}},
		MaxLifetime: cfg.MaxTokenLifetime,
	})
	if err != nil {
		return nil, fmt.Errorf("development login: %w", err)
	}
	for pattern, h := range provider.Routes() {
		mux.Handle(pattern, h)
	}
	return mux, nil
}
