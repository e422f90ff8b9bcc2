package main

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/titrepro/titrepro/internal/auth"
)

// identity is how the all-in-one authenticates: the verifier of its
// services, and the identity routes its gateway serves.
type identity struct {
	verifier auth.Verifier
	routes   map[string]http.Handler // gateway.Options.Extra
	login    WebLogin
}

// newIdentity builds the all-in-one's identity from cfg:
//   - with TITREPRO_OIDC_ISSUER, the services verify that issuer's tokens,
//     found through its discovery document, and the all-in-one serves no
//     identity document of its own: /oauth/ answers 404;
//   - otherwise the local issuer of the data folder signs the tokens, its
//     discovery document and key set are served under /.well-known/, and,
//     with the development login on, /oauth/ serves the login page, the
//     token and logout endpoints for the web application's client.
func newIdentity(cfg config, dataDir string) (identity, error) {
	login := cfg.webLogin()
	notFound := http.NotFoundHandler()
	if cfg.OIDCIssuer != "" {
		v, err := auth.NewJWKSVerifier(auth.VerifierOptions{
			Issuer:       cfg.OIDCIssuer,
			Audience:     cfg.Audience,
			DiscoveryURL: strings.TrimSuffix(cfg.OIDCIssuer, "/") + auth.DiscoveryPath,
			MaxLifetime:  cfg.MaxTokenLifetime,
		})
		if err != nil {
			return identity{}, fmt.Errorf("token verifier for %s: %w", cfg.OIDCIssuer, err)
		}
		// Whatever is mounted at "/", the development login is not here.
		return identity{verifier: v, routes: map[string]http.Handler{"/oauth/": notFound}, login: login}, nil
	}

	issuer, err := auth.LoadOrCreateLocalIssuer(dataDir, cfg.PublicURL, cfg.Audience)
	if err != nil {
		return identity{}, fmt.Errorf("local token issuer: %w", err)
	}
	opts := issuer.VerifierOptions()
	opts.MaxLifetime = cfg.MaxTokenLifetime
	v, err := auth.NewJWKSVerifier(opts)
	if err != nil {
		return identity{}, err
	}
	if !cfg.DevLogin {
		return identity{verifier: v, login: login, routes: map[string]http.Handler{
			"GET /.well-known/": issuer.Handler(),
			"/oauth/":           notFound,
		}}, nil
	}
	provider, err := auth.NewDevProvider(issuer, auth.ProviderOptions{
		Clients: []auth.OIDCClient{{
			ID:                     login.ClientID,
			RedirectURIs:           []string{login.RedirectURL},
			PostLogoutRedirectURIs: []string{login.PostLogoutRedirectURL},
		}},
		MaxLifetime: cfg.MaxTokenLifetime,
	})
	if err != nil {
		return identity{}, fmt.Errorf("development login: %w", err)
	}
	return identity{verifier: v, routes: provider.Routes(), login: login}, nil
}
