package main

import (
	"fmt"
	"path/filepath"

	"github.com/titrepro/titrepro/gateway/web"
)

// webConfig is the web application's configuration in the all-in-one: it
// logs people in at the issuer of the public URL (the development login
// page) and keeps its cookie key in the data folder, created 0600 at first
// start like the token issuer's key.
func webConfig(cfg config, dataDir string) (web.Config, error) {
	key, err := web.LoadOrCreateCookieKey(filepath.Join(dataDir, web.CookieKeyFile))
	if err != nil {
		return web.Config{}, fmt.Errorf("web cookie key: %w", err)
	}
	return web.Config{
		IssuerURL: cfg.PublicURL,
		ClientID:  web.ClientID,
		PublicURL: cfg.PublicURL,
		CookieKey: key,
		Marianne:  cfg.WebMarianne,
	}, nil
}
