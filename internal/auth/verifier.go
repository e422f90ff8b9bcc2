package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
)

// Verifier turns a raw bearer token into the Principal it authenticates.
type Verifier interface {
	Verify(ctx context.Context, rawToken string) (Principal, error)
}

// Defaults of VerifierOptions.
const (
	DefaultLeeway          = 30 * time.Second
	DefaultRefreshInterval = 30 * time.Second
	DefaultMaxKeySetAge    = 10 * time.Minute
	// DefaultMaxLifetime bounds exp − iat: a working day and then some. A
	// stolen token is worth at most that long; identity providers issue
	// access tokens of minutes to hours.
	DefaultMaxLifetime = 12 * time.Hour
)

// DefaultAlgorithms is the signature allow-list used when
// VerifierOptions.Algorithms is empty.
var DefaultAlgorithms = []string{"EdDSA", "RS256", "ES256"}

// supportedAlgorithms are the asymmetric algorithms a verifier may accept.
// "none" and the HS* family are absent on purpose: a MAC keyed with a public
// key is the classic algorithm-confusion attack.
var supportedAlgorithms = []string{
	"EdDSA",
	"RS256", "RS384", "RS512",
	"PS256", "PS384", "PS512",
	"ES256", "ES384", "ES512",
}

// maxTokenSize bounds the work done on a hostile header value.
const maxTokenSize = 16 << 10

// VerifierOptions configures a JWKSVerifier. Exactly one of JWKSURL,
// DiscoveryURL and KeySet must be set.
type VerifierOptions struct {
	Issuer   string // required; compared exactly with "iss"
	Audience string // required; must be one of the token's "aud"

	JWKSURL      string                                                // fetch the key set from this URL
	DiscoveryURL string                                                // or read jwks_uri from this OIDC discovery document (usually Issuer + "/.well-known/openid-configuration")
	KeySet       func(ctx context.Context) (jose.JSONWebKeySet, error) // or ask this function (in-process issuer)

	Algorithms      []string      // signature allow-list; default DefaultAlgorithms
	Leeway          time.Duration // clock skew allowed on exp, nbf and iat; default 30 s
	RefreshInterval time.Duration // minimum time between two key set fetches; default 30 s
	MaxKeySetAge    time.Duration // refetch on use after this long, so removed keys stop working; default 10 min
	MaxLifetime     time.Duration // longest exp − iat accepted (exp − now without iat); default 12 h
	HTTPClient      *http.Client  // default: a client with a 10 s timeout
	Now             func() time.Time
}

// JWKSVerifier verifies JWT access tokens against a JSON Web Key Set.
//
// It checks, in this order: the token size and shape; the "alg" allow-list;
// the header (kid present and sane, no "crit", typ absent, "JWT" or "at+jwt");
// the signature with the key named by kid; exp (required), nbf and iat with
// leeway; iss exactly; aud contains Audience; sub present; that the token is not
// an ID token; and that "roles" holds at least one known role (unknown roles
// are dropped, so an identity provider may add its own). A centre user must
// name its centre. Keys named in the token (jku, x5u, jwk, x5c) are ignored:
// keys only come from the configured source.
type JWKSVerifier struct {
	issuer      string
	audience    string
	parser      *jwt.Parser
	keys        *keyCache
	maxLifetime time.Duration
	leeway      time.Duration
	now         func() time.Time
	verified    verifiedTokens
}

// NewJWKSVerifier checks opts and returns a verifier. It does not fetch keys:
// the first Verify does, so that a service can start before its identity
// provider.
func NewJWKSVerifier(opts VerifierOptions) (*JWKSVerifier, error) {
	if opts.Issuer == "" {
		return nil, errors.New("auth: verifier issuer is required")
	}
	if opts.Audience == "" {
		return nil, errors.New("auth: verifier audience is required")
	}
	algs := opts.Algorithms
	if len(algs) == 0 {
		algs = DefaultAlgorithms
	}
	for _, alg := range algs {
		if !slices.Contains(supportedAlgorithms, alg) {
			return nil, fmt.Errorf("auth: algorithm %q is not allowed; use one of %v", alg, supportedAlgorithms)
		}
	}
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: fetchTimeout}
	}
	sources := 0
	var fetch func(context.Context) (jose.JSONWebKeySet, error)
	if opts.JWKSURL != "" {
		sources++
		fetch = httpKeySet(client, opts.JWKSURL)
	}
	if opts.DiscoveryURL != "" {
		sources++
		fetch = discoveryKeySet(client, opts.DiscoveryURL, opts.Issuer)
	}
	if opts.KeySet != nil {
		sources++
		fetch = opts.KeySet
	}
	if sources != 1 {
		return nil, errors.New("auth: set exactly one of JWKSURL, DiscoveryURL and KeySet")
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	leeway := cmpOr(opts.Leeway, DefaultLeeway)
	return &JWKSVerifier{
		issuer:      opts.Issuer,
		audience:    opts.Audience,
		maxLifetime: cmpOr(opts.MaxLifetime, DefaultMaxLifetime),
		leeway:      leeway,
		now:         now,
		parser: jwt.NewParser(
			jwt.WithValidMethods(slices.Clone(algs)),
			jwt.WithIssuer(opts.Issuer),
			jwt.WithAudience(opts.Audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(leeway),
			jwt.WithTimeFunc(now),
		),
		keys: &keyCache{
			fetch:       fetch,
			now:         now,
			minInterval: cmpOr(opts.RefreshInterval, DefaultRefreshInterval),
			maxAge:      cmpOr(opts.MaxKeySetAge, DefaultMaxKeySetAge),
		},
	}, nil
}

func cmpOr(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// tokenClaims are the claims titrepro reads. Nonce, Typ and TokenUse are only
// read to recognise ID tokens.
type tokenClaims struct {
	jwt.RegisteredClaims
	Roles    []string `json:"roles"`
	Centre   string   `json:"centre,omitempty"`
	Nonce    string   `json:"nonce,omitempty"`
	Typ      string   `json:"typ,omitempty"`
	TokenUse string   `json:"token_use,omitempty"`
}

// Verify returns the principal of rawToken. Failures are *apperr.Error of kind
// Unauthenticated (ErrTokenMissing, ErrTokenExpired, ErrTokenInvalid) or
// Unavailable (ErrKeysUnavailable), or ctx's error when ctx ended while keys
// were being fetched.
func (v *JWKSVerifier) Verify(ctx context.Context, rawToken string) (Principal, error) {
	if rawToken == "" {
		return Principal{}, ErrTokenMissing
	}
	if len(rawToken) > maxTokenSize {
		return Principal{}, ErrTokenInvalid.WithCause(fmt.Errorf("token longer than %d bytes", maxTokenSize))
	}
	sum := sha256.Sum256([]byte(rawToken))
	if p, ok := v.lookup(ctx, sum); ok {
		return p, nil
	}
	var claims tokenClaims
	var kid, alg string
	var key any
	_, err := v.parser.ParseWithClaims(rawToken, &claims, func(t *jwt.Token) (any, error) {
		k, err := v.keyFor(ctx, t)
		if err == nil {
			kid, _ = t.Header["kid"].(string)
			alg, key = t.Method.Alg(), k
		}
		return k, err
	})
	switch {
	case err == nil:
	case errors.Is(err, ErrKeysUnavailable):
		// Checked first: its cause may be the fetch's own timeout.
		return Principal{}, ErrKeysUnavailable.WithCause(err)
	case errors.Is(err, context.Canceled):
		return Principal{}, context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return Principal{}, context.DeadlineExceeded
	case errors.Is(err, jwt.ErrTokenExpired):
		return Principal{}, ErrTokenExpired.WithCause(err)
	default:
		return Principal{}, ErrTokenInvalid.WithCause(err)
	}
	if err := v.checkLifetime(&claims); err != nil {
		return Principal{}, ErrTokenInvalid.WithCause(err)
	}
	p, err := principalOf(&claims)
	if err != nil {
		return Principal{}, ErrTokenInvalid.WithCause(err)
	}
	v.remember(sum, p, claims.ExpiresAt.Time, kid, alg, key)
	return p, nil
}

// checkLifetime refuses a token meant to live longer than maxLifetime
// (exp − iat), or, without iat, one that still has longer to live.
func (v *JWKSVerifier) checkLifetime(c *tokenClaims) error {
	from := v.now()
	if c.IssuedAt != nil {
		from = c.IssuedAt.Time
	}
	if lifetime := c.ExpiresAt.Sub(from); lifetime > v.maxLifetime+v.leeway {
		return fmt.Errorf("token lifetime %s exceeds the maximum %s", lifetime.Round(time.Second), v.maxLifetime)
	}
	return nil
}

// keyFor checks the JOSE header and returns the verification key it names.
// golang-jwt has already checked alg against the allow-list.
func (v *JWKSVerifier) keyFor(ctx context.Context, t *jwt.Token) (any, error) {
	if _, ok := t.Header["crit"]; ok {
		return nil, errors.New("critical header extensions are not supported")
	}
	if typ, ok := t.Header["typ"]; ok && !isAccessTokenType(typ) {
		return nil, errors.New("header typ is not an access token type")
	}
	kid, _ := t.Header["kid"].(string)
	if !validKeyID(kid) {
		return nil, errors.New("missing or malformed kid")
	}
	k, err := v.keys.key(ctx, kid)
	if err != nil {
		return nil, err
	}
	if k.Algorithm != "" && k.Algorithm != t.Method.Alg() {
		return nil, fmt.Errorf("key %s is for %s, token uses %s", kid, k.Algorithm, t.Method.Alg())
	}
	return k.Key, nil
}

// isAccessTokenType accepts the header typ values of access tokens: RFC 9068
// "at+jwt" and the generic "JWT" most identity providers send.
func isAccessTokenType(typ any) bool {
	s, ok := typ.(string)
	if !ok {
		return false
	}
	switch strings.ToLower(s) {
	case "jwt", "at+jwt", "application/at+jwt":
		return true
	default:
		return false
	}
}

// validKeyID rejects kids that no identity provider issues before they reach
// the key cache: they cannot match and would only cost a refetch.
func validKeyID(kid string) bool {
	if kid == "" || len(kid) > 128 {
		return false
	}
	for _, c := range kid {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.ContainsRune("-_.~+/=:", c):
		default:
			return false
		}
	}
	return true
}

// principalOf applies the titrepro-specific claim rules to verified claims.
func principalOf(c *tokenClaims) (Principal, error) {
	if c.Subject == "" {
		return Principal{}, errors.New("sub is missing")
	}
	// An ID token proves a login to a client; it must not open an API
	// (ASVS 9.2.2). OIDC ID tokens carry the nonce the client sent; Keycloak
	// marks them typ "ID", Cognito token_use "id".
	if c.Nonce != "" || strings.EqualFold(c.Typ, "ID") || strings.EqualFold(c.TokenUse, "id") {
		return Principal{}, errors.New("an ID token is not an access token")
	}
	p := Principal{Subject: c.Subject, Centre: c.Centre}
	for _, s := range c.Roles {
		r, err := ParseRole(s)
		if err != nil || slices.Contains(p.Roles, r) {
			continue
		}
		p.Roles = append(p.Roles, r)
	}
	if len(p.Roles) == 0 {
		return Principal{}, errors.New("roles holds no known role")
	}
	if p.Has(RoleCentre) && p.Centre == "" {
		return Principal{}, errors.New("a centre user's token must name its centre")
	}
	return p, nil
}
