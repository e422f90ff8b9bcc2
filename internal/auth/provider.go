package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Defaults and bounds of the development OpenID Connect provider.
const (
	// DefaultWebTokenTTL is the lifetime of the access tokens of a web
	// login: a working day, within DefaultMaxLifetime.
	DefaultWebTokenTTL = 8 * time.Hour
	// CodeTTL is how long an authorization code may wait for its
	// exchange; the relying party exchanges it at once.
	CodeTTL = 60 * time.Second
	// DefaultMaxCodes bounds the codes waiting for their exchange, so that
	// a flood of logins cannot grow the memory without limit.
	DefaultMaxCodes = 1024
)

// OIDCClient is a relying party registered with the DevProvider. It is a
// public client: it has no secret and must use PKCE (S256).
type OIDCClient struct {
	ID string
	// RedirectURIs are the only URIs codes are sent to (exact match).
	RedirectURIs []string
	// PostLogoutRedirectURIs are the only URIs the logout endpoint sends
	// people back to (exact match).
	PostLogoutRedirectURIs []string
}

// ProviderOptions configures a DevProvider.
type ProviderOptions struct {
	Clients []OIDCClient // at least one
	// AccessTokenTTL is the lifetime of the access and ID tokens;
	// default DefaultWebTokenTTL, cut to MaxLifetime.
	AccessTokenTTL time.Duration
	// MaxLifetime is the verifiers' longest accepted lifetime (default
	// DefaultMaxLifetime): a token that lives longer would be refused.
	MaxLifetime time.Duration
	MaxCodes    int              // codes awaiting exchange; default DefaultMaxCodes
	Now         func() time.Time // clock of the codes; default time.Now
}

// DevProvider is a minimal OpenID Connect provider on top of a
// LocalIssuer, for development and demonstrations: a login page where
// anyone picks a role and an identity (no password), the
// authorization-code flow with PKCE S256, and a logout endpoint. Its
// access tokens are the LocalIssuer's, so the services accept them as they
// accept the CLI's; its ID tokens are typed so that no service accepts
// them as access tokens. It keeps no session: only the codes waiting for
// their exchange, in memory.
type DevProvider struct {
	issuer    *LocalIssuer
	clients   map[string]OIDCClient
	tokenTTL  time.Duration
	codes     *codeStore
	now       func() time.Time
	discovery []byte
}

// Paths of the provider's endpoints under the issuer URL.
const (
	AuthorizePath = "/oauth/authorize"
	TokenPath     = "/oauth/token"
	LogoutPath    = "/oauth/logout"
	DiscoveryPath = "/.well-known/openid-configuration"
	JWKSPath      = "/.well-known/jwks.json"
)

// maxClientIDLength and maxURILength bound what a request may name.
const (
	maxClientIDLength = 128
	maxURILength      = 2048
)

// NewDevProvider checks opts and returns a provider issuing li's tokens.
func NewDevProvider(li *LocalIssuer, opts ProviderOptions) (*DevProvider, error) {
	if li == nil {
		return nil, errors.New("auth: the development provider needs a local issuer")
	}
	if len(opts.Clients) == 0 {
		return nil, errors.New("auth: the development provider needs at least one client")
	}
	clients := make(map[string]OIDCClient, len(opts.Clients))
	for _, c := range opts.Clients {
		if err := checkClient(c); err != nil {
			return nil, err
		}
		if _, dup := clients[c.ID]; dup {
			return nil, fmt.Errorf("auth: client %q registered twice", c.ID)
		}
		clients[c.ID] = OIDCClient{ID: c.ID, RedirectURIs: slices.Clone(c.RedirectURIs), PostLogoutRedirectURIs: slices.Clone(c.PostLogoutRedirectURIs)}
	}
	if opts.AccessTokenTTL < 0 || opts.MaxLifetime < 0 || opts.MaxCodes < 0 {
		return nil, errors.New("auth: provider lifetimes and bounds must not be negative")
	}
	ttl := min(cmpOr(opts.AccessTokenTTL, DefaultWebTokenTTL), cmpOr(opts.MaxLifetime, DefaultMaxLifetime))
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	maxCodes := opts.MaxCodes
	if maxCodes == 0 {
		maxCodes = DefaultMaxCodes
	}
	base := strings.TrimSuffix(li.issuer, "/")
	discovery, err := json.Marshal(map[string]any{
		"issuer":                                li.issuer,
		"authorization_endpoint":                base + AuthorizePath,
		"token_endpoint":                        base + TokenPath,
		"end_session_endpoint":                  base + LogoutPath,
		"jwks_uri":                              base + JWKSPath,
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"EdDSA"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"none"},
		"scopes_supported":                      []string{"openid"},
		"claims_supported":                      []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "azp", "roles", "centre"},
	})
	if err != nil {
		return nil, fmt.Errorf("auth: encode discovery document: %w", err)
	}
	return &DevProvider{
		issuer:    li,
		clients:   clients,
		tokenTTL:  ttl,
		codes:     newCodeStore(maxCodes, now),
		now:       now,
		discovery: discovery,
	}, nil
}

func checkClient(c OIDCClient) error {
	if c.ID == "" || len(c.ID) > maxClientIDLength || !visibleASCII(c.ID) {
		return fmt.Errorf("auth: client id %q: want 1 to %d visible ASCII characters", c.ID, maxClientIDLength)
	}
	if len(c.RedirectURIs) == 0 {
		return fmt.Errorf("auth: client %q has no redirect URI", c.ID)
	}
	for _, uri := range slices.Concat(c.RedirectURIs, c.PostLogoutRedirectURIs) {
		if err := checkRegisteredURI(uri); err != nil {
			return fmt.Errorf("auth: client %q: %w", c.ID, err)
		}
	}
	return nil
}

// checkRegisteredURI accepts absolute http(s) URIs without a fragment
// (RFC 6749 §3.1.2).
func checkRegisteredURI(uri string) error {
	u, err := url.Parse(uri)
	if err != nil || len(uri) > maxURILength || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" || strings.Contains(uri, "#") {
		return fmt.Errorf("redirect URI %q: want an absolute http or https URL without fragment, at most %d characters", uri, maxURILength)
	}
	return nil
}

// TokenTTL returns the lifetime of the tokens the provider issues.
func (p *DevProvider) TokenTTL() time.Duration { return p.tokenTTL }

// Routes returns the provider's handlers by http.ServeMux pattern: the
// discovery document (with the endpoints), the key set, the login page and
// its form, the token endpoint and the logout endpoint.
func (p *DevProvider) Routes() map[string]http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		p.renderError(w, http.StatusForbidden, "Le formulaire de connexion a été envoyé depuis un autre site : il est refusé. Recommencez depuis l’application.")
	}))
	return map[string]http.Handler{
		"GET " + DiscoveryPath: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, p.discovery) }),
		"GET " + JWKSPath:      http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, p.issuer.jwks) }),
		"GET " + AuthorizePath: http.HandlerFunc(p.showLogin),
		// The form changes nothing but is the one step that mints a code:
		// a cross-site page must not submit it in someone's browser.
		"POST " + AuthorizePath: csrf.Handler(http.HandlerFunc(p.submitLogin)),
		"POST " + TokenPath:     http.HandlerFunc(p.token),
		"GET " + LogoutPath:     http.HandlerFunc(p.logout),
	}
}

// visibleASCII reports whether s holds only printable ASCII without space.
func visibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
