package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
)

// TestIssuerServesKeysThatVerifyTokens runs `titrepro issuer` and checks
// what a standalone service does with it: fetch its key set and verify a
// token `titrepro token` minted from the same data folder.
func TestIssuerServesKeysThatVerifyTokens(t *testing.T) {
	addr := freeAddr(t)
	issuerURL := "http://localhost" + portSuffix(addr)
	env := map[string]string{"TITREPRO_DATA_DIR": t.TempDir()}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- issuerCommand(ctx, cfg, []string{"--addr", addr}, &lockedBuffer{}) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("issuer stopped with %v", err)
		}
	}()
	base := "http://" + addr
	if err := waitFor(t.Context(), "the issuer", func() (bool, error) {
		resp, err := http.Get(base + auth.JWKSPath)
		if err != nil {
			return false, nil
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{auth.DiscoveryPath: 200, auth.AuthorizePath: 400, "/v1/titles": 404} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d; want %d", path, resp.StatusCode, want)
		}
	}

	// The token command of the same data folder, with the issuer's URL.
	cfg.PublicURL = issuerURL
	var out strings.Builder
	if err := token(cfg, []string{"--role", "ministry", "--subject", "m-1"}, &out); err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewJWKSVerifier(auth.VerifierOptions{Issuer: issuerURL, Audience: "titrepro", JWKSURL: base + auth.JWKSPath, MaxLifetime: 12 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Verify(t.Context(), strings.TrimSpace(out.String()))
	if err != nil {
		t.Fatalf("token of `titrepro token` refused with the issuer's keys: %v", err)
	}
	if p.Subject != "m-1" || !p.Has(auth.RoleMinistry) {
		t.Fatalf("principal = %+v", p)
	}
}
