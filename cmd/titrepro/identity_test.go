package main

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/titrepro/titrepro/internal/auth"
)

var hiddenField = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func getDoc(t *testing.T, rawURL string) (int, http.Header, string) {
	t.Helper()
	resp, err := noRedirects.Get(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(body)
}

// TestServeDevelopmentLogin logs in through the running all-in-one as the
// web application will: discovery, the login page, the form, the exchange
// with PKCE, then an API call with the access token.
func TestServeDevelopmentLogin(t *testing.T) {
	t.Parallel()
	s := startServer(t, testConfig(t, t.TempDir()))
	ctx := context.Background()

	provider, err := oidc.NewProvider(ctx, s.base)
	if err != nil {
		t.Fatal(err)
	}
	var meta map[string]any
	if err := provider.Claims(&meta); err != nil {
		t.Fatal(err)
	}
	for field, want := range map[string]string{
		"authorization_endpoint": s.base + "/oauth/authorize",
		"token_endpoint":         s.base + "/oauth/token",
		"end_session_endpoint":   s.base + "/oauth/logout",
		"jwks_uri":               s.base + "/.well-known/jwks.json",
	} {
		if meta[field] != want {
			t.Errorf("discovery %s = %v; want %s", field, meta[field], want)
		}
	}
	if got, _ := json.Marshal(meta["code_challenge_methods_supported"]); string(got) != `["S256"]` {
		t.Errorf("code_challenge_methods_supported = %s", got)
	}

	login := s.cfg.webLogin()
	conf := oauth2.Config{ClientID: login.ClientID, Endpoint: provider.Endpoint(), RedirectURL: login.RedirectURL, Scopes: []string{oidc.ScopeOpenID}}
	verifier := oauth2.GenerateVerifier()
	status, header, page := getDoc(t, conf.AuthCodeURL("state-1", oidc.Nonce("nonce-1"), oauth2.S256ChallengeOption(verifier)))
	if status != http.StatusOK || !strings.Contains(page, "Connexion de développement — ne pas utiliser en production") {
		t.Fatalf("login page = %d: %.300s", status, page)
	}
	// The edge's headers and the page's own both reach the browser.
	if header.Get("X-Content-Type-Options") != "nosniff" || header.Get("Cache-Control") != "no-store" ||
		!strings.Contains(header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("login page headers: %v", header)
	}

	form := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	form.Set("role", "centre")
	form.Set("subject", "centre-user-1")
	form.Set("centre", "CENTRE-69-001")
	req, err := http.NewRequest(http.MethodPost, s.base+"/oauth/authorize", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc.String(), login.RedirectURL+"?") {
		t.Fatalf("form answer = %d, Location %q; want 303 to %s", resp.StatusCode, resp.Header.Get("Location"), login.RedirectURL)
	}
	if loc.Query().Get("state") != "state-1" {
		t.Fatalf("state = %q", loc.Query().Get("state"))
	}

	tok, err := conf.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(tok.Expiry); d < 7*time.Hour || d > 8*time.Hour {
		t.Errorf("access token lives %s; want 8 h", d)
	}
	rawID, _ := tok.Extra("id_token").(string)
	idToken, err := provider.Verifier(&oidc.Config{ClientID: login.ClientID}).Verify(ctx, rawID)
	if err != nil || idToken.Nonce != "nonce-1" || idToken.Subject != "centre-user-1" {
		t.Fatalf("ID token: %v, nonce %q, sub %q", err, idToken.Nonce, idToken.Subject)
	}

	// The services accept the access token; the ID token opens nothing.
	s.expect(t, http.StatusOK, "GET", "/v1/candidates", tok.AccessToken, nil)
	s.expect(t, http.StatusUnauthorized, "GET", "/v1/candidates", rawID, nil)

	// Logging out goes back to the registered home page.
	status, header, _ = getDoc(t, s.base+"/oauth/logout?"+url.Values{
		"post_logout_redirect_uri": {login.PostLogoutRedirectURL}, "client_id": {login.ClientID}}.Encode())
	if status != http.StatusSeeOther || header.Get("Location") != login.PostLogoutRedirectURL {
		t.Errorf("logout = %d to %q; want 303 to %s", status, header.Get("Location"), login.PostLogoutRedirectURL)
	}
	if !strings.Contains(s.output.String(), "development login on") {
		t.Errorf("the banner does not mention the development login:\n%s", s.output)
	}
}

// TestServeWithAnExternalIssuer: with TITREPRO_OIDC_ISSUER the all-in-one
// serves no login and no identity document of its own, and its services
// accept the external issuer's tokens, not those of the data folder's key.
// The external issuer is a development provider in another server: a real
// OpenID Connect provider, as Keycloak would be.
func TestServeWithAnExternalIssuer(t *testing.T) {
	t.Parallel()
	var handler http.Handler
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(idp.Close)
	external, err := auth.LoadOrCreateLocalIssuer(t.TempDir(), idp.URL, "titrepro")
	if err != nil {
		t.Fatal(err)
	}
	handler = external.Handler()

	dataDir := t.TempDir()
	s := startServer(t, testConfigEnv(t, dataDir, map[string]string{"TITREPRO_OIDC_ISSUER": idp.URL}))
	for _, path := range []string{"/oauth/authorize?client_id=titrepro-web", "/oauth/token", "/oauth/logout", "/.well-known/openid-configuration", "/.well-known/jwks.json"} {
		if status, _, body := getDoc(t, s.base+path); status != http.StatusNotFound {
			t.Errorf("GET %s = %d; want 404: %.200s", path, status, body)
		}
	}
	if status, _, _ := getDoc(t, s.base+"/.well-known/titrepro/certificate-keys.json"); status != http.StatusOK {
		t.Errorf("certificate keys = %d; want 200 whatever the issuer", status)
	}

	good, err := external.Issue(auth.Principal{Subject: "dreets-1", Roles: []auth.Role{auth.RoleMinistry}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	s.expect(t, http.StatusOK, "GET", "/v1/candidates", good, nil)

	local, err := auth.LoadOrCreateLocalIssuer(dataDir, s.cfg.PublicURL, s.cfg.Audience)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := local.Issue(auth.Principal{Subject: "dreets-1", Roles: []auth.Role{auth.RoleMinistry}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	s.expect(t, http.StatusUnauthorized, "GET", "/v1/candidates", forged, nil)
	if !strings.Contains(s.output.String(), "tokens from "+idp.URL) {
		t.Errorf("the banner does not name the external issuer:\n%s", s.output)
	}
}

// TestIdentityWithoutDevelopmentLogin: the local issuer's documents are
// served, without the login endpoints, and /oauth/ answers 404.
func TestIdentityWithoutDevelopmentLogin(t *testing.T) {
	t.Parallel()
	cfg := testConfigEnv(t, t.TempDir(), map[string]string{"TITREPRO_DEV_LOGIN": "false", "TITREPRO_PUBLIC_URL": "https://titrepro.test"})
	ident, err := newIdentity(cfg, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for pattern, h := range ident.routes {
		mux.Handle(pattern, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	status, _, body := getDoc(t, srv.URL+"/.well-known/openid-configuration")
	var doc map[string]any
	if status != http.StatusOK || json.Unmarshal([]byte(body), &doc) != nil {
		t.Fatalf("discovery = %d: %s", status, body)
	}
	if doc["issuer"] != "https://titrepro.test" || doc["authorization_endpoint"] != nil || doc["token_endpoint"] != nil {
		t.Errorf("discovery without development login = %s", body)
	}
	for _, path := range []string{"/oauth/authorize", "/oauth/token", "/oauth/logout"} {
		if status, _, _ := getDoc(t, srv.URL+path); status != http.StatusNotFound {
			t.Errorf("GET %s = %d; want 404", path, status)
		}
	}
}
