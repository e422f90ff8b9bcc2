package auth_test

import (
	"context"
	"errors"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
)

// FuzzVerify feeds arbitrary bearer tokens to the verifier, as any client
// may: it must never panic, refuse as Unauthenticated only, and whatever it
// accepts names a subject and a known role. testdata/fuzz/FuzzVerify holds
// the seeds.
func FuzzVerify(f *testing.F) {
	clock := newFakeClock()
	key := newSigningKey(f)
	v, err := auth.NewJWKSVerifier(auth.VerifierOptions{
		Issuer: testIssuer, Audience: testAudience, Now: clock.Now,
		KeySet: func(context.Context) (jose.JSONWebKeySet, error) {
			return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{key.jwk()}}, nil
		},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sign(f, jwt.SigningMethodEdDSA, key.priv, map[string]any{"kid": key.kid}, validClaims(clock.Now())))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, token string) {
		p, err := v.Verify(context.Background(), token)
		if err != nil {
			if apperr.KindOf(err) != apperr.KindUnauthenticated || errors.Is(err, context.Canceled) {
				t.Fatalf("Verify() error %v of kind %s; want Unauthenticated", err, apperr.KindOf(err))
			}
			return
		}
		if p.Subject == "" || len(p.Roles) == 0 {
			t.Fatalf("Verify() accepted a principal without subject or role: %+v", p)
		}
	})
}
