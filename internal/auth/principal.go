// Package auth verifies the access tokens of titrepro and carries the
// authenticated caller through a request.
//
// A token is a JWT signed with an asymmetric key (EdDSA, RS256 or ES256 by
// default) whose claims are the registered ones (iss, sub, aud, exp, iat, nbf,
// jti) plus "roles" (a list of Role) and "centre" (the centre id of a centre
// user). JWKSVerifier checks such tokens against a JSON Web Key Set fetched over
// HTTP, found through OIDC discovery, or supplied in process. LocalIssuer mints
// them with an Ed25519 key kept in the data folder, for single-binary
// deployments and for tests. DevProvider turns a LocalIssuer into a minimal
// OpenID Connect provider (a development login page, the authorization-code
// flow with PKCE) so that a browser can log in without an identity provider.
//
// Library choice: github.com/golang-jwt/jwt/v5 parses the token and validates
// the registered claims (alg allow-list, exp, nbf, iat, iss, aud, all against an
// injectable clock); github.com/go-jose/go-jose/v4 parses and serialises JWK
// sets and computes RFC 7638 thumbprints. Each does the part it is best at.
package auth

import (
	"context"
	"slices"

	"github.com/titrepro/titrepro/internal/apperr"
)

// Principal is the authenticated caller of a request.
type Principal struct {
	Subject string // the token's "sub"
	Roles   []Role // known roles only; never empty for a verified token
	Centre  string // centre id for RoleCentre users, else usually empty
}

// Has reports whether p holds role r.
func (p Principal) Has(r Role) bool { return slices.Contains(p.Roles, r) }

// HasAny reports whether p holds at least one of rs.
func (p Principal) HasAny(rs ...Role) bool {
	return slices.ContainsFunc(rs, p.Has)
}

type principalKey struct{}

// WithPrincipal returns a copy of ctx that carries p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal stored by WithPrincipal, if any.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// ErrUnauthenticated is returned by Require when the request carries no
// principal, e.g. a public method called without a token.
var ErrUnauthenticated = apperr.New(apperr.KindUnauthenticated, "UNAUTHENTICATED", "authentication required")

// Require returns the principal of ctx, or ErrUnauthenticated. Handlers of
// public methods that behave differently for signed-in users call it too.
func Require(ctx context.Context) (Principal, error) {
	p, ok := FromContext(ctx)
	if !ok || p.Subject == "" {
		return Principal{}, ErrUnauthenticated
	}
	return p, nil
}
