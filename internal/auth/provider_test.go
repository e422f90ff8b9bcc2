package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
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
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/titrepro/titrepro/internal/auth"
)

const (
	webClient   = "titrepro-web"
	webCallback = "https://app.titrepro.test/auth/callback"
	webHome     = "https://app.titrepro.test/"
)

// oidcFixture is a DevProvider served over real HTTP, with a clock for its
// codes that the test moves.
type oidcFixture struct {
	srv      *httptest.Server
	issuer   *auth.LocalIssuer
	provider *auth.DevProvider
	clock    *fakeClock
	client   *http.Client // never follows redirects: the test reads them
}

func newOIDCFixture(t *testing.T, edit func(*auth.ProviderOptions)) *oidcFixture {
	t.Helper()
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	li, err := auth.LoadOrCreateLocalIssuer(t.TempDir(), srv.URL, testAudience)
	require.NoError(t, err)
	clock := newFakeClock()
	opts := auth.ProviderOptions{
		Clients: []auth.OIDCClient{
			{ID: webClient, RedirectURIs: []string{webCallback}, PostLogoutRedirectURIs: []string{webHome}},
			{ID: "other-app", RedirectURIs: []string{"https://other.titrepro.test/cb"}},
		},
		Now: clock.Now,
	}
	if edit != nil {
		edit(&opts)
	}
	p, err := auth.NewDevProvider(li, opts)
	require.NoError(t, err)
	mux := http.NewServeMux()
	for pattern, h := range p.Routes() {
		mux.Handle(pattern, h)
	}
	handler = mux
	return &oidcFixture{
		srv: srv, issuer: li, provider: p, clock: clock,
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// pkce is a verifier and its S256 challenge.
type pkce struct{ verifier, challenge string }

func newPKCE() pkce {
	v := oauth2.GenerateVerifier()
	sum := sha256.Sum256([]byte(v))
	return pkce{verifier: v, challenge: base64.RawURLEncoding.EncodeToString(sum[:])}
}

// authParams are the parameters of a good authorization request.
func authParams(pk pkce) url.Values {
	return url.Values{
		"client_id": {webClient}, "redirect_uri": {webCallback}, "response_type": {"code"}, "scope": {"openid"},
		"state": {"state-123"}, "nonce": {"nonce-456"}, "code_challenge": {pk.challenge}, "code_challenge_method": {"S256"},
	}
}

type answer struct {
	status int
	header http.Header
	body   string
}

func (f *oidcFixture) do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := f.client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (f *oidcFixture) get(t *testing.T, path string, q url.Values) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+path+"?"+q.Encode(), nil)
	require.NoError(t, err)
	return f.do(t, req)
}

// submit posts the login form as a browser on the provider's page does.
func (f *oidcFixture) submit(t *testing.T, form url.Values) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/oauth/authorize", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", f.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return f.do(t, req)
}

// loginForm is a filled login form answering a good request.
func loginForm(pk pkce, role, subject, centre string) url.Values {
	form := authParams(pk)
	form.Set("role", role)
	form.Set("subject", subject)
	form.Set("centre", centre)
	return form
}

// redirected returns the query of the redirect an answer makes to the
// client's callback.
func redirected(t *testing.T, a answer) url.Values {
	t.Helper()
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	loc, err := url.Parse(a.header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, webCallback, loc.Scheme+"://"+loc.Host+loc.Path)
	return loc.Query()
}

// code logs in as a candidate and returns the code sent to the callback.
func (f *oidcFixture) code(t *testing.T, pk pkce) string {
	t.Helper()
	q := redirected(t, f.submit(t, loginForm(pk, "candidate", "camille", "")))
	require.Equal(t, "state-123", q.Get("state"))
	require.NotEmpty(t, q.Get("code"))
	return q.Get("code")
}

// exchange posts a token request and decodes the JSON answer.
func (f *oidcFixture) exchange(t *testing.T, form url.Values, edit func(*http.Request)) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/oauth/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if edit != nil {
		edit(req)
	}
	a := f.do(t, req)
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(a.body), &body), a.body)
	return a.status, a.header, body
}

func tokenRequest(code string, pk pkce) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {webCallback},
		"client_id": {webClient}, "code_verifier": {pk.verifier}}
}

// TestDevProviderLoginWithGoOIDC plays the whole login as the web
// application will: discovery, the authorization request of
// golang.org/x/oauth2 with PKCE, the form, the exchange, the ID token
// verified by go-oidc, the access token accepted by a service's verifier
// and the ID token refused by it.
func TestDevProviderLoginWithGoOIDC(t *testing.T) {
	t.Parallel()
	f := newOIDCFixture(t, nil)
	ctx := context.Background()

	provider, err := oidc.NewProvider(ctx, f.srv.URL)
	require.NoError(t, err)
	var meta struct {
		Methods  []string `json:"code_challenge_methods_supported"`
		Logout   string   `json:"end_session_endpoint"`
		Response []string `json:"response_types_supported"`
	}
	require.NoError(t, provider.Claims(&meta))
	require.Equal(t, []string{"S256"}, meta.Methods)
	require.Equal(t, f.srv.URL+"/oauth/logout", meta.Logout)
	require.Equal(t, []string{"code"}, meta.Response)
	require.Equal(t, f.srv.URL+"/oauth/authorize", provider.Endpoint().AuthURL)
	require.Equal(t, f.srv.URL+"/oauth/token", provider.Endpoint().TokenURL)

	conf := oauth2.Config{ClientID: webClient, Endpoint: provider.Endpoint(), RedirectURL: webCallback, Scopes: []string{oidc.ScopeOpenID}}
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("st-"+verifier[:8], oidc.Nonce("nonce-"+verifier[8:16]), oauth2.S256ChallengeOption(verifier))

	// The login page carries the request in hidden fields; the person
	// picks the centre role, a subject and a centre.
	req, err := http.NewRequest(http.MethodGet, authURL, nil)
	require.NoError(t, err)
	page := f.do(t, req)
	require.Equal(t, http.StatusOK, page.status, page.body)
	form := hiddenFields(t, page.body)
	require.Equal(t, "S256", form.Get("code_challenge_method"))
	form.Set("role", "centre")
	form.Set("subject", "centre-user-1")
	form.Set("centre", "CENTRE-69-001")
	q := redirected(t, f.submit(t, form))
	require.Equal(t, "st-"+verifier[:8], q.Get("state"))

	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	require.Equal(t, "Bearer", tok.TokenType)
	require.WithinDuration(t, time.Now().Add(auth.DefaultWebTokenTTL), tok.Expiry, time.Minute)

	rawID, _ := tok.Extra("id_token").(string)
	require.NotEmpty(t, rawID)
	idToken, err := provider.Verifier(&oidc.Config{ClientID: webClient}).Verify(ctx, rawID)
	require.NoError(t, err)
	require.Equal(t, "nonce-"+verifier[8:16], idToken.Nonce)
	require.Equal(t, "centre-user-1", idToken.Subject)
	var claims struct {
		Roles  []string `json:"roles"`
		Centre string   `json:"centre"`
	}
	require.NoError(t, idToken.Claims(&claims))
	require.Equal(t, []string{"centre"}, claims.Roles)
	require.Equal(t, "CENTRE-69-001", claims.Centre)

	// A service verifies the access token through discovery, as a
	// standalone service does.
	service, err := auth.NewJWKSVerifier(auth.VerifierOptions{Issuer: f.srv.URL, Audience: testAudience,
		DiscoveryURL: f.srv.URL + "/.well-known/openid-configuration"})
	require.NoError(t, err)
	p, err := service.Verify(ctx, tok.AccessToken)
	require.NoError(t, err)
	require.Equal(t, auth.Principal{Subject: "centre-user-1", Roles: []auth.Role{auth.RoleCentre}, Centre: "CENTRE-69-001"}, p)

	// The ID token opens no API, even for a verifier whose audience is
	// the client's: its typ refuses it before its claims are read.
	_, err = service.Verify(ctx, rawID)
	require.ErrorIs(t, err, auth.ErrTokenInvalid)
	sameAudience, err := auth.NewJWKSVerifier(auth.VerifierOptions{Issuer: f.srv.URL, Audience: webClient, KeySet: f.issuer.KeySet})
	require.NoError(t, err)
	_, err = sameAudience.Verify(ctx, rawID)
	require.ErrorIs(t, err, auth.ErrTokenInvalid)
	require.ErrorContains(t, err, "typ is not an access token type")
	header, _, err := jwt.NewParser().ParseUnverified(rawID, jwt.MapClaims{})
	require.NoError(t, err)
	require.Equal(t, auth.IDTokenType, header.Header["typ"])
	require.Equal(t, "EdDSA", header.Header["alg"])
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

// hiddenFields reads the hidden fields of the login page's form.
func hiddenFields(t *testing.T, page string) url.Values {
	t.Helper()
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	require.NotEmpty(t, form, "no hidden field in the page")
	return form
}

func TestDevProviderLoginPage(t *testing.T) {
	t.Parallel()
	f := newOIDCFixture(t, nil)
	params := authParams(newPKCE())
	params.Set("state", `"><script>alert(1)</script>`)
	page := f.get(t, "/oauth/authorize", params)
	require.Equal(t, http.StatusOK, page.status, page.body)

	require.Contains(t, page.body, `<html lang="fr">`)
	require.Contains(t, page.body, "Connexion de développement — ne pas utiliser en production")
	require.Contains(t, page.body, "<legend>Rôle</legend>")
	for _, role := range []string{"candidate", "centre", "juror", "ministry", "admin"} {
		require.Contains(t, page.body, `<label for="role-`+role+`">`)
	}
	for _, label := range []string{"Candidat·e", "Centre d’examen", "Juré·e", "Agent DREETS", "Administration"} {
		require.Contains(t, page.body, label)
	}
	require.Contains(t, page.body, `<label for="subject">`)
	require.Contains(t, page.body, `<label for="centre">`)
	require.NotContains(t, page.body, "<script>", "the state is escaped")
	require.Equal(t, `"><script>alert(1)</script>`, hiddenFields(t, page.body).Get("state"))

	require.Equal(t, "no-store", page.header.Get("Cache-Control"))
	require.Equal(t, "DENY", page.header.Get("X-Frame-Options"))
	csp := page.header.Get("Content-Security-Policy")
	require.Contains(t, csp, "default-src 'none'")
	require.Contains(t, csp, "frame-ancestors 'none'")
	// The inline stylesheet is the one the policy allows by its hash.
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(page.body)
	require.Len(t, style, 2)
	sum := sha256.Sum256([]byte(style[1]))
	require.Contains(t, csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
}

func TestDevProviderLoginFormProblems(t *testing.T) {
	t.Parallel()
	f := newOIDCFixture(t, nil)
	pk := newPKCE()
	tests := []struct {
		name, role, subject, centre string
		want                        []string
	}{
		{"no role", "", "camille", "", []string{"Choisissez un rôle."}},
		{"unknown role", "root", "camille", "", []string{"Choisissez un rôle."}},
		{"no subject", "juror", " ", "", []string{"Saisissez un identifiant.", `aria-describedby="subject-error"`}},
		{"subject with spaces", "juror", "jean dupont", "", []string{"L’identifiant ne peut contenir"}},
		{"subject too long", "juror", strings.Repeat("a", 129), "", []string{"128 caractères au plus"}},
		{"centre without code", "centre", "centre-user-1", "", []string{"Saisissez le code du centre", `aria-describedby="centre-error"`}},
		{"centre code with slash", "centre", "centre-user-1", "C/1", []string{"Le code du centre ne peut contenir"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := f.submit(t, loginForm(pk, tt.role, tt.subject, tt.centre))
			require.Equal(t, http.StatusBadRequest, a.status)
			require.Empty(t, a.header.Get("Location"))
			require.Contains(t, a.body, `role="alert"`)
			for _, w := range tt.want {
				require.Contains(t, a.body, w)
			}
			// The request survives: the corrected form can be sent.
			require.Equal(t, pk.challenge, hiddenFields(t, a.body).Get("code_challenge"))
		})
	}
}

func TestDevProviderIgnoresTheCentreOfOtherRoles(t *testing.T) {
	t.Parallel()
	f := newOIDCFixture(t, nil)
	pk := newPKCE()
	q := redirected(t, f.submit(t, loginForm(pk, "juror", "jure-alice", "CENTRE-1")))
	status, _, body := f.exchange(t, tokenRequest(q.Get("code"), pk), nil)
	require.Equal(t, http.StatusOK, status, body)
	v, err := auth.NewJWKSVerifier(f.issuer.VerifierOptions())
	require.NoError(t, err)
	p, err := v.Verify(context.Background(), body["access_token"].(string))
	require.NoError(t, err)
	require.Equal(t, auth.Principal{Subject: "jure-alice", Roles: []auth.Role{auth.RoleJuror}}, p)
}

// TestDevProviderAuthorizationRefusals: an unknown client or redirect URI
// is shown to the person, never redirected; every other problem goes back
// to the registered callback with its RFC 6749 code, by GET and by POST.
func TestDevProviderAuthorizationRefusals(t *testing.T) {
	t.Parallel()
	f := newOIDCFixture(t, nil)
	pk := newPKCE()
	tests := []struct {
		name      string
		edit      func(url.Values)
		wantError string // "" means a page, not a redirect
		wantState bool
	}{
		{"unknown client", func(q url.Values) { q.Set("client_id", "evil") }, "", false},
		{"no client", func(q url.Values) { q.Del("client_id") }, "", false},
		{"unregistered redirect URI", func(q url.Values) { q.Set("redirect_uri", "https://evil.test/cb") }, "", false},
		{"redirect URI of another client", func(q url.Values) { q.Set("redirect_uri", "https://other.titrepro.test/cb") }, "", false},
		{"redirect URI with a suffix", func(q url.Values) { q.Set("redirect_uri", webCallback+"/x") }, "", false},
		{"repeated redirect URI", func(q url.Values) { q.Add("redirect_uri", webCallback) }, "", false},
		{"no PKCE", func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }, "invalid_request", true},
		{"no challenge method", func(q url.Values) { q.Del("code_challenge_method") }, "invalid_request", true},
		{"plain PKCE", func(q url.Values) { q.Set("code_challenge_method", "plain") }, "invalid_request", true},
		{"short challenge", func(q url.Values) { q.Set("code_challenge", "abc") }, "invalid_request", true},
		{"token response type", func(q url.Values) { q.Set("response_type", "token") }, "unsupported_response_type", true},
		{"no response type", func(q url.Values) { q.Del("response_type") }, "invalid_request", true},
		{"no openid scope", func(q url.Values) { q.Set("scope", "profile") }, "invalid_scope", true},
		{"no state", func(q url.Values) { q.Del("state") }, "invalid_request", false},
		{"state too long", func(q url.Values) { q.Set("state", strings.Repeat("s", 513)) }, "invalid_request", false},
		{"state with a space", func(q url.Values) { q.Set("state", "a b") }, "invalid_request", false},
		{"no nonce", func(q url.Values) { q.Del("nonce") }, "invalid_request", true},
		{"nonce too long", func(q url.Values) { q.Set("nonce", strings.Repeat("n", 513)) }, "invalid_request", true},
		{"repeated nonce", func(q url.Values) { q.Add("nonce", "again") }, "invalid_request", true},
		{"silent login", func(q url.Values) { q.Set("prompt", "none") }, "login_required", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := authParams(pk)
			tt.edit(q)
			form := loginForm(pk, "candidate", "camille", "")
			for k := range authParams(pk) {
				form.Del(k)
			}
			for k, v := range q {
				form[k] = v
			}
			for method, a := range map[string]answer{"GET": f.get(t, "/oauth/authorize", q), "POST": f.submit(t, form)} {
				if tt.wantError == "" {
					require.Equal(t, http.StatusBadRequest, a.status, method)
					require.Empty(t, a.header.Get("Location"), method)
					require.Contains(t, a.body, "Connexion impossible", method)
					continue
				}
				got := redirected(t, a)
				require.Equal(t, tt.wantError, got.Get("error"), method)
				require.NotEmpty(t, got.Get("error_description"), method)
				require.Empty(t, got.Get("code"), method)
				if tt.wantState {
					require.Equal(t, "state-123", got.Get("state"), method)
				} else {
					require.NotContains(t, got, "state", method)
				}
			}
		})
	}
}

func TestDevProviderRefusesACrossOriginForm(t *testing.T) {
	t.Parallel()
	f := newOIDCFixture(t, nil)
	for name, header := range map[string][2]string{
		"Sec-Fetch-Site": {"Sec-Fetch-Site", "cross-site"},
		"Origin":         {"Origin", "https://evil.test"},
	} {
		t.Run(name, func(t *testing.T) {
			form := loginForm(newPKCE(), "admin", "mallory", "")
			req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/oauth/authorize", strings.NewReader(form.Encode()))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set(header[0], header[1])
			a := f.do(t, req)
			require.Equal(t, http.StatusForbidden, a.status)
			require.Empty(t, a.header.Get("Location"))
			require.Contains(t, a.body, "depuis un autre site")
		})
	}
}

func TestDevProviderTokenRefusals(t *testing.T) {
	t.Parallel()
	f := newOIDCFixture(t, nil)

	t.Run("wrong verifier, then the right one", func(t *testing.T) {
		pk := newPKCE()
		code := f.code(t, pk)
		status, h, body := f.exchange(t, tokenRequest(code, newPKCE()), nil)
		require.Equal(t, http.StatusBadRequest, status)
		require.Equal(t, "invalid_grant", body["error"])
		require.Equal(t, "no-store", h.Get("Cache-Control"))
		// One attempt uses the code up: no guessing the verifier.
		status, _, body = f.exchange(t, tokenRequest(code, pk), nil)
		require.Equal(t, http.StatusBadRequest, status)
		require.Equal(t, "invalid_grant", body["error"])
	})
	t.Run("malformed verifier", func(t *testing.T) {
		pk := newPKCE()
		req := tokenRequest(f.code(t, pk), pk)
		req.Set("code_verifier", "short")
		status, _, body := f.exchange(t, req, nil)
		require.Equal(t, http.StatusBadRequest, status)
		require.Equal(t, "invalid_grant", body["error"])
	})
	t.Run("reused code", func(t *testing.T) {
		pk := newPKCE()
		code := f.code(t, pk)
		status, h, body := f.exchange(t, tokenRequest(code, pk), nil)
		require.Equal(t, http.StatusOK, status, body)
		require.Equal(t, "no-store", h.Get("Cache-Control"))
		status, _, body = f.exchange(t, tokenRequest(code, pk), nil)
		require.Equal(t, http.StatusBadRequest, status)
		require.Equal(t, "invalid_grant", body["error"])
	})
	t.Run("wrong redirect URI", func(t *testing.T) {
		pk := newPKCE()
		req := tokenRequest(f.code(t, pk), pk)
		req.Set("redirect_uri", "https://other.titrepro.test/cb")
		status, _, body := f.exchange(t, req, nil)
		require.Equal(t, http.StatusBadRequest, status)
		require.Equal(t, "invalid_grant", body["error"])
	})
	t.Run("code of another client", func(t *testing.T) {
		pk := newPKCE()
		req := tokenRequest(f.code(t, pk), pk)
		req.Set("client_id", "other-app")
		status, _, body := f.exchange(t, req, nil)
		require.Equal(t, http.StatusBadRequest, status)
		require.Equal(t, "invalid_grant", body["error"])
	})
	t.Run("unknown client", func(t *testing.T) {
		pk := newPKCE()
		code := f.code(t, pk)
		req := tokenRequest(code, pk)
		req.Set("client_id", "evil")
		status, _, body := f.exchange(t, req, nil)
		require.Equal(t, http.StatusBadRequest, status)
		require.Equal(t, "invalid_client", body["error"])
		// A refused client does not use the code up.
		status, _, body = f.exchange(t, tokenRequest(code, pk), nil)
		require.Equal(t, http.StatusOK, status, body)
	})
	t.Run("HTTP Basic with a secret", func(t *testing.T) {
		pk := newPKCE()
		req := tokenRequest(f.code(t, pk), pk)
		req.Del("client_id")
		status, h, body := f.exchange(t, req, func(r *http.Request) { r.SetBasicAuth(webClient, "guess") })
		require.Equal(t, http.StatusUnauthorized, status)
		require.Equal(t, "invalid_client", body["error"])
		require.Equal(t, `Basic realm="titrepro"`, h.Get("WWW-Authenticate"))
	})
	t.Run("HTTP Basic without secret", func(t *testing.T) {
		pk := newPKCE()
		req := tokenRequest(f.code(t, pk), pk)
		req.Del("client_id")
		status, _, body := f.exchange(t, req, func(r *http.Request) { r.SetBasicAuth(webClient, "") })
		require.Equal(t, http.StatusOK, status, body)
	})
	t.Run("missing parameters keep the code", func(t *testing.T) {
		pk := newPKCE()
		code := f.code(t, pk)
		for _, name := range []string{"code_verifier", "redirect_uri", "code", "grant_type"} {
			req := tokenRequest(code, pk)
			req.Del(name)
			status, _, body := f.exchange(t, req, nil)
			require.Equal(t, http.StatusBadRequest, status, name)
			require.Equal(t, "invalid_request", body["error"], name)
		}
		status, _, body := f.exchange(t, tokenRequest(code, pk), nil)
		require.Equal(t, http.StatusOK, status, body)
	})
	t.Run("other grant types", func(t *testing.T) {
		for _, gt := range []string{"password", "refresh_token", "client_credentials"} {
			req := url.Values{"grant_type": {gt}, "client_id": {webClient}}
			status, _, body := f.exchange(t, req, nil)
			require.Equal(t, http.StatusBadRequest, status, gt)
			require.Equal(t, "unsupported_grant_type", body["error"], gt)
		}
	})
	t.Run("repeated parameter", func(t *testing.T) {
		pk := newPKCE()
		req := tokenRequest(f.code(t, pk), pk)
		req.Add("code", "another")
		status, _, body := f.exchange(t, req, nil)
		require.Equal(t, http.StatusBadRequest, status)
		require.Equal(t, "invalid_request", body["error"])
	})
	t.Run("JSON body", func(t *testing.T) {
		status, _, body := f.exchange(t, url.Values{}, func(r *http.Request) { r.Header.Set("Content-Type", "application/json") })
		require.Equal(t, http.StatusBadRequest, status)
		require.Equal(t, "invalid_request", body["error"])
	})
	t.Run("GET", func(t *testing.T) {
		a := f.get(t, "/oauth/token", tokenRequest("x", newPKCE()))
		require.Equal(t, http.StatusMethodNotAllowed, a.status)
	})
}

func TestDevProviderCodesExpireAfterAMinute(t *testing.T) {
	t.Parallel()
	f := newOIDCFixture(t, nil)
	pk := newPKCE()
	fresh, stale := f.code(t, pk), f.code(t, pk)
	f.clock.Advance(auth.CodeTTL - time.Second)
	status, _, body := f.exchange(t, tokenRequest(fresh, pk), nil)
	require.Equal(t, http.StatusOK, status, body)
	f.clock.Advance(time.Second)
	status, _, body = f.exchange(t, tokenRequest(stale, pk), nil)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_grant", body["error"])
}

func TestDevProviderBoundsTheCodesInMemory(t *testing.T) {
	t.Parallel()
	f := newOIDCFixture(t, func(o *auth.ProviderOptions) { o.MaxCodes = 2 })
	pk := newPKCE()
	f.code(t, pk)
	f.code(t, pk)
	q := redirected(t, f.submit(t, loginForm(pk, "candidate", "camille", "")))
	require.Equal(t, "temporarily_unavailable", q.Get("error"))
	require.Equal(t, "state-123", q.Get("state"))
	// Expired codes make room.
	f.clock.Advance(auth.CodeTTL)
	f.code(t, pk)
}

func TestDevProviderTokenLifetime(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		opts auth.ProviderOptions
		want time.Duration
	}{
		"default":                       {auth.ProviderOptions{}, 8 * time.Hour},
		"cut to the verifiers' maximum": {auth.ProviderOptions{MaxLifetime: time.Hour}, time.Hour},
		"shorter":                       {auth.ProviderOptions{AccessTokenTTL: 30 * time.Minute}, 30 * time.Minute},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newOIDCFixture(t, func(o *auth.ProviderOptions) {
				o.AccessTokenTTL, o.MaxLifetime = tt.opts.AccessTokenTTL, tt.opts.MaxLifetime
			})
			require.Equal(t, tt.want, f.provider.TokenTTL())
			pk := newPKCE()
			status, _, body := f.exchange(t, tokenRequest(f.code(t, pk), pk), nil)
			require.Equal(t, http.StatusOK, status, body)
			require.Equal(t, tt.want.Seconds(), body["expires_in"])
			require.Equal(t, "Bearer", body["token_type"])
			for _, field := range []string{"access_token", "id_token"} {
				var claims jwt.RegisteredClaims
				_, _, err := jwt.NewParser().ParseUnverified(body[field].(string), &claims)
				require.NoError(t, err, field)
				require.Equal(t, tt.want, claims.ExpiresAt.Sub(claims.IssuedAt.Time), field)
			}
		})
	}
}

func TestDevProviderLogout(t *testing.T) {
	t.Parallel()
	f := newOIDCFixture(t, nil)
	t.Run("registered", func(t *testing.T) {
		for _, q := range []url.Values{
			{"post_logout_redirect_uri": {webHome}, "state": {"bye"}},
			{"post_logout_redirect_uri": {webHome}, "state": {"bye"}, "client_id": {webClient}},
		} {
			a := f.get(t, "/oauth/logout", q)
			require.Equal(t, http.StatusSeeOther, a.status)
			require.Equal(t, webHome+"?state=bye", a.header.Get("Location"))
		}
	})
	for name, q := range map[string]url.Values{
		"no target":                     {},
		"unregistered":                  {"post_logout_redirect_uri": {"https://evil.test/"}},
		"registered for another client": {"post_logout_redirect_uri": {webHome}, "client_id": {"other-app"}},
		"a redirect URI, not a logout":  {"post_logout_redirect_uri": {webCallback}},
	} {
		t.Run(name, func(t *testing.T) {
			a := f.get(t, "/oauth/logout", q)
			require.Equal(t, http.StatusOK, a.status)
			require.Empty(t, a.header.Get("Location"))
			require.Contains(t, a.body, "Vous êtes déconnecté·e")
			require.Contains(t, a.body, `<html lang="fr">`)
		})
	}
}

func TestNewDevProviderChecksItsOptions(t *testing.T) {
	t.Parallel()
	li, err := auth.LoadOrCreateLocalIssuer(t.TempDir(), testIssuer, testAudience)
	require.NoError(t, err)
	good := auth.OIDCClient{ID: webClient, RedirectURIs: []string{webCallback}}
	for name, opts := range map[string]auth.ProviderOptions{
		"no client":             {},
		"no redirect URI":       {Clients: []auth.OIDCClient{{ID: webClient}}},
		"relative redirect URI": {Clients: []auth.OIDCClient{{ID: webClient, RedirectURIs: []string{"/auth/callback"}}}},
		"fragment":              {Clients: []auth.OIDCClient{{ID: webClient, RedirectURIs: []string{webCallback + "#x"}}}},
		"other scheme":          {Clients: []auth.OIDCClient{{ID: webClient, RedirectURIs: []string{"javascript:alert(1)"}}}},
		"bad logout URI":        {Clients: []auth.OIDCClient{{ID: webClient, RedirectURIs: []string{webCallback}, PostLogoutRedirectURIs: []string{"ftp://x"}}}},
		"empty client id":       {Clients: []auth.OIDCClient{{RedirectURIs: []string{webCallback}}}},
		"twice the same client": {Clients: []auth.OIDCClient{good, good}},
		"negative lifetime":     {Clients: []auth.OIDCClient{good}, AccessTokenTTL: -time.Hour},
	} {
		_, err := auth.NewDevProvider(li, opts)
		require.Error(t, err, name)
	}
	_, err = auth.NewDevProvider(li, auth.ProviderOptions{Clients: []auth.OIDCClient{good}})
	require.NoError(t, err)
}
