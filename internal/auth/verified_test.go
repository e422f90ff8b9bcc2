package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/auth"
)

// TestRememberedTokens checks that a token verified once, then sent again
// as it is on every call, is refused as soon as it would be without the
// verifier remembering it: past its expiry, once its key is withdrawn, or
// once its kid names another key.
func TestRememberedTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setUp := func(t *testing.T) (*fakeClock, *jwksServer, signingKey, *auth.JWKSVerifier) {
		clock := newFakeClock()
		key := newSigningKey(t)
		srv := newJWKSServer(t, nil, key.jwk())
		v, err := auth.NewJWKSVerifier(auth.VerifierOptions{
			Issuer: testIssuer, Audience: testAudience, JWKSURL: srv.URL, Now: clock.Now,
		})
		require.NoError(t, err)
		return clock, srv, key, v
	}

	t.Run("the same principal, a copy each time", func(t *testing.T) {
		t.Parallel()
		clock, _, key, v := setUp(t)
		tok := sign(t, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": key.kid}, validClaims(clock.Now()))
		want := auth.Principal{Subject: "user-42", Roles: []auth.Role{auth.RoleCentre}, Centre: "centre-7"}
		p, err := v.Verify(ctx, tok)
		require.NoError(t, err)
		require.Equal(t, want, p)
		p.Roles[0] = auth.RoleAdmin // a caller's change stays its own
		p, err = v.Verify(ctx, tok)
		require.NoError(t, err)
		require.Equal(t, want, p)
	})

	t.Run("expired", func(t *testing.T) {
		t.Parallel()
		clock, _, key, v := setUp(t)
		tok := sign(t, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": key.kid}, validClaims(clock.Now()))
		_, err := v.Verify(ctx, tok)
		require.NoError(t, err)
		clock.Advance(10*time.Minute + auth.DefaultLeeway - time.Second) // exp is now + 10 min
		_, err = v.Verify(ctx, tok)
		require.NoError(t, err, "within the leeway")
		clock.Advance(2 * time.Second)
		_, err = v.Verify(ctx, tok)
		require.Equal(t, "TOKEN_EXPIRED", reasonOf(err))
	})

	t.Run("key withdrawn", func(t *testing.T) {
		t.Parallel()
		clock, srv, key, v := setUp(t)
		tok := sign(t, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": key.kid}, validClaims(clock.Now()))
		_, err := v.Verify(ctx, tok)
		require.NoError(t, err)
		srv.setKeys(t, newSigningKey(t).jwk())
		clock.Advance(auth.DefaultMaxKeySetAge)
		_, err = v.Verify(ctx, tok)
		require.Equal(t, "TOKEN_INVALID", reasonOf(err))
	})

	t.Run("kid reused for another key", func(t *testing.T) {
		t.Parallel()
		clock, srv, key, v := setUp(t)
		tok := sign(t, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": key.kid}, validClaims(clock.Now()))
		_, err := v.Verify(ctx, tok)
		require.NoError(t, err)
		other := newSigningKey(t).jwk()
		other.KeyID = key.kid
		srv.setKeys(t, other)
		clock.Advance(auth.DefaultMaxKeySetAge)
		_, err = v.Verify(ctx, tok)
		require.Equal(t, "TOKEN_INVALID", reasonOf(err))
	})
}

// BenchmarkVerify measures a token's first verification and the next
// ones, as a client sends the same token on every call.
func BenchmarkVerify(b *testing.B) {
	clock := newFakeClock()
	key := newSigningKey(b)
	newVerifier := func() *auth.JWKSVerifier {
		v, err := auth.NewJWKSVerifier(auth.VerifierOptions{
			Issuer: testIssuer, Audience: testAudience, Now: clock.Now,
			KeySet: func(context.Context) (jose.JSONWebKeySet, error) {
				return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{key.jwk()}}, nil
			},
		})
		if err != nil {
			b.Fatal(err)
		}
		return v
	}
	tok := sign(b, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": key.kid}, validClaims(clock.Now()))
	ctx := context.Background()
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			if _, err := newVerifier().Verify(ctx, tok); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("again", func(b *testing.B) {
		v := newVerifier()
		for b.Loop() {
			if _, err := v.Verify(ctx, tok); err != nil {
				b.Fatal(err)
			}
		}
	})
}
