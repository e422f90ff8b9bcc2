package web

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// testProvider is a small OpenID Connect provider for the unit tests of the
// relying party only: it approves every authorization request at once for
// the identity it is set to, and checks what a real provider checks of the
// client (redirect URI, PKCE S256 verifier, single-use codes). The browser
// tests log in through the all-in-one's real development provider instead.
type testProvider struct {
	t      *testing.T
	srv    *httptest.Server
	key    ed25519.PrivateKey
	signer jose.Signer

	mu       sync.Mutex
	codes    map[string]pendingCode
	subject  string
	roles    []string
	centre   string
	badNonce bool // sign ID tokens with another nonce
	exchange int  // token requests served
	lastAuth url.Values
	lastForm url.Values
}

type pendingCode struct {
	challenge, nonce, redirect, clientID string
}

func newTestProvider(t *testing.T) *testProvider {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	p := &testProvider{t: t, key: key, signer: signer, codes: map[string]pendingCode{},
		subject: "camille.durand", roles: []string{"candidate"}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *testProvider) URL() string { return p.srv.URL }

// seen returns the last authorization request, the last token request's
// form and the number of token requests.
func (p *testProvider) seen() (auth, token url.Values, exchanges int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastAuth, p.lastForm, p.exchange
}

func (p *testProvider) discovery(w http.ResponseWriter, _ *http.Request) {
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize",
		"token_endpoint": p.srv.URL + "/token", "jwks_uri": p.srv.URL + "/jwks",
		"end_session_endpoint":                  p.srv.URL + "/logout",
		"response_types_supported":              []string{"code"},
		"code_challenge_methods_supported":      []string{"S256"},
		"id_token_signing_alg_values_supported": []string{"EdDSA"},
	})
}

func (p *testProvider) jwks(w http.ResponseWriter, _ *http.Request) {
	_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: p.key.Public(), KeyID: "k1", Algorithm: "EdDSA", Use: "sig"},
	}})
}

func (p *testProvider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastAuth = q
	if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	code := rand.Text()
	p.codes[code] = pendingCode{challenge: q.Get("code_challenge"), nonce: q.Get("nonce"),
		redirect: q.Get("redirect_uri"), clientID: q.Get("client_id")}
	u, _ := url.Parse(q.Get("redirect_uri"))
	v := url.Values{"code": {code}, "state": {q.Get("state")}}
	u.RawQuery = v.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (p *testProvider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastForm = r.PostForm
	p.exchange++
	code, ok := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != code.challenge ||
		r.PostForm.Get("redirect_uri") != code.redirect || r.PostForm.Get("client_id") != code.clientID {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
		return
	}
	nonce := code.nonce
	if p.badNonce {
		nonce = "another-nonce"
	}
	now := time.Now()
	claims := map[string]any{
		"iss": p.srv.URL, "sub": p.subject, "aud": code.clientID, "nonce": nonce,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "roles": p.roles,
	}
	if p.centre != "" {
		claims["centre"] = p.centre
	}
	idToken, err := jwt.Signed(p.signer).Claims(claims).Serialize()
	if err != nil {
		p.t.Error(err)
		return
	}
	access, _ := jwt.Signed(p.signer).Claims(map[string]any{"iss": p.srv.URL, "sub": p.subject, "aud": "titrepro",
		"roles": p.roles, "exp": now.Add(time.Hour).Unix()}).Serialize()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": access, "token_type": "Bearer", "expires_in": 3600, "id_token": idToken,
	})
}
