package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
)

// reasonOf returns the apperr reason of err, or "" for other errors.
func reasonOf(err error) string {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae.Reason
	}
	return ""
}

func TestVerifyTokenMatrix(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	now := clock.Now()
	key := newSigningKey(t)
	other := newSigningKey(t)
	v, err := auth.NewJWKSVerifier(auth.VerifierOptions{
		Issuer:   testIssuer,
		Audience: testAudience,
		KeySet: func(context.Context) (jose.JSONWebKeySet, error) {
			return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{key.jwk()}}, nil
		},
		Now: clock.Now,
	})
	require.NoError(t, err)

	kidHeader := map[string]any{"kid": key.kid}
	good := func(edit func(jwt.MapClaims)) string {
		c := validClaims(now)
		edit(c)
		return sign(t, jwt.SigningMethodEdDSA, key.priv, kidHeader, c)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(key.public())
	require.NoError(t, err)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)

	tests := []struct {
		name   string
		token  string
		want   auth.Principal
		reason string // "" means the token is accepted
	}{
		{
			name:  "valid",
			token: good(func(jwt.MapClaims) {}),
			want:  auth.Principal{Subject: "user-42", Roles: []auth.Role{auth.RoleCentre}, Centre: "centre-7"},
		},
		{
			name:  "unknown roles dropped, duplicates folded",
			token: good(func(c jwt.MapClaims) { c["roles"] = []string{"juror", "offline_access", "juror", "admin"} }),
			want:  auth.Principal{Subject: "user-42", Roles: []auth.Role{auth.RoleJuror, auth.RoleAdmin}, Centre: "centre-7"},
		},
		{
			name:  "nbf within leeway",
			token: good(func(c jwt.MapClaims) { c["nbf"] = now.Add(20 * time.Second).Unix(); c["iat"] = now.Unix() }),
			want:  auth.Principal{Subject: "user-42", Roles: []auth.Role{auth.RoleCentre}, Centre: "centre-7"},
		},
		{
			name:  "at+jwt header typ",
			token: sign(t, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": key.kid, "typ": "at+jwt"}, validClaims(now)),
			want:  auth.Principal{Subject: "user-42", Roles: []auth.Role{auth.RoleCentre}, Centre: "centre-7"},
		},
		{name: "empty", token: "", reason: "TOKEN_MISSING"},
		{name: "garbage", token: "this-is-not-a-jwt", reason: "TOKEN_INVALID"},
		{name: "three garbage segments", token: "eyJhbGciOi.e30.c2ln", reason: "TOKEN_INVALID"},
		{name: "oversized", token: strings.Repeat("a", 20<<10), reason: "TOKEN_INVALID"},
		{name: "wrong issuer", token: good(func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }), reason: "TOKEN_INVALID"},
		{name: "issuer with trailing slash", token: good(func(c jwt.MapClaims) { c["iss"] = testIssuer + "/" }), reason: "TOKEN_INVALID"},
		{name: "wrong audience", token: good(func(c jwt.MapClaims) { c["aud"] = "other-api" }), reason: "TOKEN_INVALID"},
		{name: "no audience", token: good(func(c jwt.MapClaims) { delete(c, "aud") }), reason: "TOKEN_INVALID"},
		{name: "expired", token: good(func(c jwt.MapClaims) { c["exp"] = now.Add(-5 * time.Minute).Unix() }), reason: "TOKEN_EXPIRED"},
		{name: "no exp", token: good(func(c jwt.MapClaims) { delete(c, "exp") }), reason: "TOKEN_INVALID"},
		{name: "nbf beyond leeway", token: good(func(c jwt.MapClaims) { c["nbf"] = now.Add(5 * time.Minute).Unix() }), reason: "TOKEN_INVALID"},
		{
			name:  "lifetime of 12 h, the default maximum",
			token: good(func(c jwt.MapClaims) { c["iat"] = now.Unix(); c["exp"] = now.Add(12 * time.Hour).Unix() }),
			want:  auth.Principal{Subject: "user-42", Roles: []auth.Role{auth.RoleCentre}, Centre: "centre-7"},
		},
		{name: "lifetime over the maximum", token: good(func(c jwt.MapClaims) { c["iat"] = now.Unix(); c["exp"] = now.Add(13 * time.Hour).Unix() }), reason: "TOKEN_INVALID"},
		{name: "a year to live, without iat", token: good(func(c jwt.MapClaims) { delete(c, "iat"); c["exp"] = now.Add(365 * 24 * time.Hour).Unix() }), reason: "TOKEN_INVALID"},
		{name: "iat in the future", token: good(func(c jwt.MapClaims) { c["iat"] = now.Add(5 * time.Minute).Unix() }), reason: "TOKEN_INVALID"},
		{name: "missing sub", token: good(func(c jwt.MapClaims) { delete(c, "sub") }), reason: "TOKEN_INVALID"},
		{name: "empty roles", token: good(func(c jwt.MapClaims) { c["roles"] = []string{} }), reason: "TOKEN_INVALID"},
		{name: "no roles claim", token: good(func(c jwt.MapClaims) { delete(c, "roles") }), reason: "TOKEN_INVALID"},
		{name: "only unknown roles", token: good(func(c jwt.MapClaims) { c["roles"] = []string{"superuser"} }), reason: "TOKEN_INVALID"},
		{name: "roles not a list", token: good(func(c jwt.MapClaims) { c["roles"] = "admin" }), reason: "TOKEN_INVALID"},
		{name: "centre role without centre", token: good(func(c jwt.MapClaims) { delete(c, "centre") }), reason: "TOKEN_INVALID"},
		{name: "ID token (nonce)", token: good(func(c jwt.MapClaims) { c["nonce"] = "n-0S6_WzA2Mj" }), reason: "TOKEN_INVALID"},
		{name: "ID token (Keycloak typ)", token: good(func(c jwt.MapClaims) { c["typ"] = "ID" }), reason: "TOKEN_INVALID"},
		{
			name:   "header typ of another token kind",
			token:  sign(t, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": key.kid, "typ": "dpop+jwt"}, validClaims(now)),
			reason: "TOKEN_INVALID",
		},
		{
			name:   "crit header",
			token:  sign(t, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": key.kid, "crit": []string{"exp"}}, validClaims(now)),
			reason: "TOKEN_INVALID",
		},
		{
			name:   "alg none",
			token:  sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kidHeader, validClaims(now)),
			reason: "TOKEN_INVALID",
		},
		{
			name:   "HS256 keyed with the raw public key",
			token:  sign(t, jwt.SigningMethodHS256, []byte(key.public()), kidHeader, validClaims(now)),
			reason: "TOKEN_INVALID",
		},
		{
			name:   "HS256 keyed with the PEM public key",
			token:  sign(t, jwt.SigningMethodHS256, pubPEM, kidHeader, validClaims(now)),
			reason: "TOKEN_INVALID",
		},
		{
			name:   "RS256 under the kid of the EdDSA key",
			token:  sign(t, jwt.SigningMethodRS256, rsaKey, kidHeader, validClaims(now)),
			reason: "TOKEN_INVALID",
		},
		{
			name:   "signed by another key under a known kid",
			token:  sign(t, jwt.SigningMethodEdDSA, other.priv, kidHeader, validClaims(now)),
			reason: "TOKEN_INVALID",
		},
		{
			name:   "unknown kid",
			token:  sign(t, jwt.SigningMethodEdDSA, other.priv, map[string]any{"kid": other.kid}, validClaims(now)),
			reason: "TOKEN_INVALID",
		},
		{
			name:   "no kid",
			token:  sign(t, jwt.SigningMethodEdDSA, key.priv, nil, validClaims(now)),
			reason: "TOKEN_INVALID",
		},
		{
			name:   "malformed kid",
			token:  sign(t, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": "../../etc/passwd\n"}, validClaims(now)),
			reason: "TOKEN_INVALID",
		},
		{
			name:   "tampered payload",
			token:  tamper(good(func(jwt.MapClaims) {})),
			reason: "TOKEN_INVALID",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := v.Verify(context.Background(), tt.token)
			if tt.reason == "" {
				require.NoError(t, err)
				require.Equal(t, tt.want, p)
				return
			}
			require.Error(t, err)
			require.Equal(t, apperr.KindUnauthenticated, apperr.KindOf(err), "error %v", err)
			require.Equal(t, tt.reason, reasonOf(err))
			require.Equal(t, auth.Principal{}, p)
			if len(tt.token) > 16 {
				require.NotContains(t, err.Error(), tt.token, "the error must not echo the token")
			}
		})
	}
}

// tamper swaps the payload of a signed token for one granting admin, keeping
// the original header and signature.
func tamper(token string) string {
	parts := strings.Split(token, ".")
	claims := jwt.MapClaims{"iss": testIssuer, "sub": "admin", "aud": testAudience, "roles": []string{"admin"}, "exp": 4102444800}
	forged, _ := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims).SigningString()
	return parts[0] + "." + strings.Split(forged, ".")[1] + "." + parts[2]
}

func TestNewJWKSVerifierRejectsUnsafeOptions(t *testing.T) {
	t.Parallel()
	keySet := func(context.Context) (jose.JSONWebKeySet, error) { return jose.JSONWebKeySet{}, nil }
	tests := []struct {
		name string
		opts auth.VerifierOptions
	}{
		{"no issuer", auth.VerifierOptions{Audience: testAudience, KeySet: keySet}},
		{"no audience", auth.VerifierOptions{Issuer: testIssuer, KeySet: keySet}},
		{"no key source", auth.VerifierOptions{Issuer: testIssuer, Audience: testAudience}},
		{"two key sources", auth.VerifierOptions{Issuer: testIssuer, Audience: testAudience, KeySet: keySet, JWKSURL: "http://x"}},
		{"alg none", auth.VerifierOptions{Issuer: testIssuer, Audience: testAudience, KeySet: keySet, Algorithms: []string{"EdDSA", "none"}}},
		{"alg HS256", auth.VerifierOptions{Issuer: testIssuer, Audience: testAudience, KeySet: keySet, Algorithms: []string{"HS256"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := auth.NewJWKSVerifier(tt.opts)
			require.Error(t, err)
		})
	}
}

func TestKeyRotationIsPickedUpWithoutRestart(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	oldKey, newKey := newSigningKey(t), newSigningKey(t)
	srv := newJWKSServer(t, nil, oldKey.jwk())
	v, err := auth.NewJWKSVerifier(auth.VerifierOptions{
		Issuer: testIssuer, Audience: testAudience, JWKSURL: srv.URL, Now: clock.Now,
	})
	require.NoError(t, err)
	ctx := context.Background()

	_, err = v.Verify(ctx, sign(t, jwt.SigningMethodEdDSA, oldKey.priv, map[string]any{"kid": oldKey.kid}, validClaims(clock.Now())))
	require.NoError(t, err)
	require.EqualValues(t, 1, srv.fetches.Load())

	// The identity provider rotates: it publishes the new key and signs with it.
	srv.setKeys(t, oldKey.jwk(), newKey.jwk())
	clock.Advance(31 * time.Second)
	p, err := v.Verify(ctx, sign(t, jwt.SigningMethodEdDSA, newKey.priv, map[string]any{"kid": newKey.kid}, validClaims(clock.Now())))
	require.NoError(t, err)
	require.Equal(t, "user-42", p.Subject)
	require.EqualValues(t, 2, srv.fetches.Load())

	// Tokens of the old key keep working while it is published...
	_, err = v.Verify(ctx, sign(t, jwt.SigningMethodEdDSA, oldKey.priv, map[string]any{"kid": oldKey.kid}, validClaims(clock.Now())))
	require.NoError(t, err)

	// ...and stop once it is withdrawn and the cached set has aged out.
	srv.setKeys(t, newKey.jwk())
	clock.Advance(auth.DefaultMaxKeySetAge)
	_, err = v.Verify(ctx, sign(t, jwt.SigningMethodEdDSA, oldKey.priv, map[string]any{"kid": oldKey.kid}, validClaims(clock.Now())))
	require.Equal(t, "TOKEN_INVALID", reasonOf(err))
	require.EqualValues(t, 3, srv.fetches.Load())
}

func TestRandomKidFloodFetchesAtMostOncePer30s(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	key, attacker := newSigningKey(t), newSigningKey(t)
	srv := newJWKSServer(t, nil, key.jwk())
	v, err := auth.NewJWKSVerifier(auth.VerifierOptions{
		Issuer: testIssuer, Audience: testAudience, JWKSURL: srv.URL, Now: clock.Now,
	})
	require.NoError(t, err)

	flood := func() {
		var wg sync.WaitGroup
		for i := range 200 {
			wg.Go(func() {
				kid := make([]byte, 16)
				_, _ = rand.Read(kid)
				tok := sign(t, jwt.SigningMethodEdDSA, attacker.priv, map[string]any{"kid": fmt.Sprintf("%x-%d", kid, i)}, validClaims(clock.Now()))
				_, err := v.Verify(context.Background(), tok)
				if reasonOf(err) != "TOKEN_INVALID" {
					t.Errorf("random kid: got %v, want TOKEN_INVALID", err)
				}
			})
		}
		wg.Wait()
	}

	flood() // the first token loads the set; the others fall within the same window
	require.EqualValues(t, 1, srv.fetches.Load())
	clock.Advance(29 * time.Second)
	flood()
	require.EqualValues(t, 1, srv.fetches.Load())
	clock.Advance(2 * time.Second)
	flood()
	require.EqualValues(t, 2, srv.fetches.Load())

	// Good tokens are still served from the cache meanwhile.
	_, err = v.Verify(context.Background(), sign(t, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": key.kid}, validClaims(clock.Now())))
	require.NoError(t, err)
	require.EqualValues(t, 2, srv.fetches.Load())
}

func TestConcurrentVerifiersShareOneFetch(t *testing.T) {
	t.Parallel()
	key := newSigningKey(t)
	gate := make(chan struct{})
	srv := newJWKSServer(t, gate, key.jwk())
	v, err := auth.NewJWKSVerifier(auth.VerifierOptions{Issuer: testIssuer, Audience: testAudience, JWKSURL: srv.URL})
	require.NoError(t, err)
	tok := sign(t, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": key.kid}, validClaims(time.Now()))

	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := v.Verify(context.Background(), tok)
			errs <- err
		})
	}
	waitFor(t, "the first fetch", func() bool { return srv.fetches.Load() == 1 })
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.EqualValues(t, 1, srv.fetches.Load())
}

func TestVerifyGivesUpWhenTheCallerDeadlinePasses(t *testing.T) {
	t.Parallel()
	key := newSigningKey(t)
	gate := make(chan struct{})
	srv := newJWKSServer(t, gate, key.jwk())
	t.Cleanup(func() { close(gate) }) // runs before srv.Close, which waits for the handler
	v, err := auth.NewJWKSVerifier(auth.VerifierOptions{Issuer: testIssuer, Audience: testAudience, JWKSURL: srv.URL})
	require.NoError(t, err)
	tok := sign(t, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": key.kid}, validClaims(time.Now()))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := v.Verify(ctx, tok)
		done <- err
	}()
	waitFor(t, "the fetch", func() bool { return srv.fetches.Load() == 1 })
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
}

func TestUnreachableKeysAreUnavailableNotUnauthenticated(t *testing.T) {
	t.Parallel()
	key := newSigningKey(t)
	srv := newJWKSServer(t, nil)
	body := []byte("<html>maintenance</html>")
	srv.body.Store(&body)
	v, err := auth.NewJWKSVerifier(auth.VerifierOptions{Issuer: testIssuer, Audience: testAudience, JWKSURL: srv.URL})
	require.NoError(t, err)
	tok := sign(t, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": key.kid}, validClaims(time.Now()))

	_, err = v.Verify(context.Background(), tok)
	require.Equal(t, apperr.KindUnavailable, apperr.KindOf(err))
	require.ErrorIs(t, err, auth.ErrKeysUnavailable)
}

func TestDiscovery(t *testing.T) {
	t.Parallel()
	key := newSigningKey(t)
	jwks := newJWKSServer(t, nil, key.jwk())
	tests := []struct {
		name      string
		docIssuer string
		wantErr   bool
	}{
		{"issuer matches", testIssuer, false},
		{"issuer differs", "https://evil.test", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			disco := newJWKSServer(t, nil)
			body := []byte(fmt.Sprintf(`{"issuer":%q,"jwks_uri":%q}`, tt.docIssuer, jwks.URL))
			disco.body.Store(&body)
			v, err := auth.NewJWKSVerifier(auth.VerifierOptions{Issuer: testIssuer, Audience: testAudience, DiscoveryURL: disco.URL})
			require.NoError(t, err)
			tok := sign(t, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": key.kid}, validClaims(time.Now()))
			_, err = v.Verify(context.Background(), tok)
			if tt.wantErr {
				require.ErrorIs(t, err, auth.ErrKeysUnavailable)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestSymmetricKeysInTheJWKSAreIgnored(t *testing.T) {
	t.Parallel()
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	kid := hex.EncodeToString(secret[:8])
	v, err := auth.NewJWKSVerifier(auth.VerifierOptions{
		Issuer: testIssuer, Audience: testAudience,
		KeySet: func(context.Context) (jose.JSONWebKeySet, error) {
			return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: secret, KeyID: kid, Algorithm: "HS256"}}}, nil
		},
	})
	require.NoError(t, err)
	tok := sign(t, jwt.SigningMethodHS256, secret, map[string]any{"kid": kid}, validClaims(time.Now()))
	_, err = v.Verify(context.Background(), tok)
	require.Equal(t, "TOKEN_INVALID", reasonOf(err))
}

// TestRSAKeys covers the RS256 path and the algorithm-confusion attack in its
// classic form: an HS256 token keyed with the PEM of the RSA public key.
func TestRSAKeys(t *testing.T) {
	t.Parallel()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	const kid = "rsa-2026-06"
	v, err := auth.NewJWKSVerifier(auth.VerifierOptions{
		Issuer: testIssuer, Audience: testAudience,
		KeySet: func(context.Context) (jose.JSONWebKeySet, error) {
			return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &priv.PublicKey, KeyID: kid, Use: "sig"}}}, nil
		},
	})
	require.NoError(t, err)
	header := map[string]any{"kid": kid}

	_, err = v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, priv, header, validClaims(time.Now())))
	require.NoError(t, err)

	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	require.NoError(t, err)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	_, err = v.Verify(context.Background(), sign(t, jwt.SigningMethodHS256, pubPEM, header, validClaims(time.Now())))
	require.Equal(t, "TOKEN_INVALID", reasonOf(err))
}
