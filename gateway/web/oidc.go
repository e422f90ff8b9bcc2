package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// oidcClient is the application as an OpenID Connect relying party
// (coreos/go-oidc for discovery and ID token checks, x/oauth2 for the code
// exchange and PKCE). Discovery is lazy and retried: in the all-in-one the
// issuer is this very process, which is not listening yet when the
// application is built, and an issuer that is down at start must not stop
// the public pages.
type oidcClient struct {
	cfg  Config
	http *http.Client

	mu   sync.Mutex
	disc *discovery
}

// discovery is what the issuer's discovery document gave.
type discovery struct {
	oauth      oauth2.Config
	verifier   *oidc.IDTokenVerifier
	endSession string // RP-initiated logout; empty when the issuer has none
}

// oidcTimeout bounds every call to the issuer.
const oidcTimeout = 10 * time.Second

func newOIDCClient(cfg Config) *oidcClient {
	return &oidcClient{cfg: cfg, http: &http.Client{Timeout: oidcTimeout}}
}

func (c *oidcClient) context(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, c.http)
}

// discover returns the issuer's endpoints, fetching them on first use; a
// failure is not cached, so the next login tries again.
func (c *oidcClient) discover(ctx context.Context) (*discovery, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.disc != nil {
		return c.disc, nil
	}
	ctx, cancel := context.WithTimeout(ctx, oidcTimeout)
	defer cancel()
	// The key set fetched later uses the client of this context, not ctx.
	p, err := oidc.NewProvider(c.context(ctx), c.cfg.IssuerURL)
	if err != nil {
		return nil, fmt.Errorf("web: OIDC discovery at %s: %w", c.cfg.IssuerURL, err)
	}
	var extra struct {
		EndSession string   `json:"end_session_endpoint"`
		PKCE       []string `json:"code_challenge_methods_supported"`
	}
	if err := p.Claims(&extra); err != nil {
		return nil, fmt.Errorf("web: OIDC discovery at %s: %w", c.cfg.IssuerURL, err)
	}
	endpoint := p.Endpoint()
	if endpoint.AuthURL == "" || endpoint.TokenURL == "" {
		return nil, fmt.Errorf("web: the issuer %s offers no authorization or token endpoint (is its login switched off?)", c.cfg.IssuerURL)
	}
	if len(extra.PKCE) > 0 && !slices.Contains(extra.PKCE, "S256") {
		return nil, fmt.Errorf("web: the issuer %s does not support PKCE S256", c.cfg.IssuerURL)
	}
	if c.cfg.ClientSecret == "" {
		// A public client sends its id in the form, never a Basic header
		// with an empty password.
		endpoint.AuthStyle = oauth2.AuthStyleInParams
	}
	c.disc = &discovery{
		oauth: oauth2.Config{
			ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret,
			Endpoint: endpoint, RedirectURL: c.cfg.PublicURL + callbackPath,
			Scopes: []string{oidc.ScopeOpenID},
		},
		verifier:   p.Verifier(&oidc.Config{ClientID: c.cfg.ClientID}),
		endSession: extra.EndSession,
	}
	return c.disc, nil
}
