package main

import (
	"fmt"
	"path/filepath"

	"github.com/titrepro/titrepro/gateway/web"
)

// webConfig is the web application's configuration in the all-in-one: it
// logs people in at the provider of login (the development login page of
// the public URL, or the external issuer) and keeps its cookie key in the
// data folder, created 0600 at first start like the token issuer's key.
func webConfig(cfg config, dataDir string, login WebLogin) (web.Config, error) {
	key, err := web.LoadOrCreateCookieKey(filepath.Join(dataDir, web.CookieKeyFile))
	if err != nil {
		return web.Config{}, fmt.Errorf("web cookie key: %w", err)
	}
	return web.Config{
		IssuerURL:    login.IssuerURL,
		ClientID:     login.ClientID,
		ClientSecret: login.ClientSecret,
		PublicURL:    cfg.PublicURL,
		CookieKey:    key,
		Marianne:     cfg.WebMarianne,
	}, nil
}
