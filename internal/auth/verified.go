package auth

import (
	"context"
	"crypto"
	"crypto/sha256"
	"slices"
	"sync"
	"time"
)

// maxVerifiedTokens bounds the tokens a verifier remembers: a few
// thousand people at work at once, a few hundred bytes each.
const maxVerifiedTokens = 4096

// verifiedTokens remembers the tokens a JWKSVerifier accepted, by SHA-256
// of the token, so that a client sending the same token on every call pays
// the signature check once. The signature check (Ed25519, more for RSA)
// was 40 % of the CPU of a point read on a service (BenchmarkServerCPU in
// cmd/titrepro, issue 9). A remembered token is accepted again only while
// everything that may have changed since still holds: it has not expired
// (exp + leeway, on the verifier's clock), and the key that verified it is
// still the key its kid names in the current key set — a key withdrawn
// from the set stops its tokens as it did before, once the cached set ages
// out (MaxKeySetAge). Every other check depends on the token's bytes only.
// Refused tokens are never remembered.
type verifiedTokens struct {
	mu      sync.Mutex
	entries map[[sha256.Size]byte]verifiedToken
}

type verifiedToken struct {
	principal Principal
	expires   time.Time // exp + leeway: refused from then on
	kid, alg  string
	key       any // the verification key, as keyFor returned it
}

// lookup returns the principal of a remembered token that still holds.
func (v *JWKSVerifier) lookup(ctx context.Context, sum [sha256.Size]byte) (Principal, bool) {
	v.verified.mu.Lock()
	e, ok := v.verified.entries[sum]
	v.verified.mu.Unlock()
	if !ok {
		return Principal{}, false
	}
	if !v.now().Before(e.expires) {
		v.verified.mu.Lock()
		delete(v.verified.entries, sum)
		v.verified.mu.Unlock()
		return Principal{}, false
	}
	k, err := v.keys.key(ctx, e.kid)
	if err != nil || (k.Algorithm != "" && k.Algorithm != e.alg) || !sameKey(k.Key, e.key) {
		return Principal{}, false // the full check says why
	}
	p := e.principal
	p.Roles = slices.Clone(p.Roles)
	return p, true
}

// remember records a token that passed every check.
func (v *JWKSVerifier) remember(sum [sha256.Size]byte, p Principal, exp time.Time, kid, alg string, key any) {
	v.verified.mu.Lock()
	defer v.verified.mu.Unlock()
	if v.verified.entries == nil {
		v.verified.entries = make(map[[sha256.Size]byte]verifiedToken)
	}
	if len(v.verified.entries) >= maxVerifiedTokens {
		now := v.now()
		for s, e := range v.verified.entries {
			if !now.Before(e.expires) {
				delete(v.verified.entries, s)
			}
		}
		for s := range v.verified.entries { // still full: any one goes
			if len(v.verified.entries) < maxVerifiedTokens {
				break
			}
			delete(v.verified.entries, s)
		}
	}
	v.verified.entries[sum] = verifiedToken{
		principal: Principal{Subject: p.Subject, Roles: slices.Clone(p.Roles), Centre: p.Centre},
		expires:   exp.Add(v.leeway), kid: kid, alg: alg, key: key,
	}
}

// sameKey reports whether a and b are the same public key (the standard
// library's public keys all have Equal).
func sameKey(a, b any) bool {
	ka, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ka.Equal(b)
}
