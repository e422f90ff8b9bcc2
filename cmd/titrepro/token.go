package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
)

// token prints a bearer token signed by the local issuer whose key lives in
// the data folder: the same key `titrepro serve` uses to verify tokens.
func token(cfg config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	role := fs.String("role", "", "role: candidate, juror, centre, ministry or admin (repeat with commas)")
	subject := fs.String("subject", "", "subject (the person's identifier)")
	centre := fs.String("centre", "", "centre id (required for the centre role)")
	ttl := fs.Duration("ttl", 8*time.Hour, "lifetime of the token (at most TITREPRO_MAX_TOKEN_LIFETIME)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// The server refuses tokens that live longer: minting one would only
	// hand out a credential that fails later, or, with a larger limit
	// there, one that outlives what the operator chose.
	if *ttl > cfg.MaxTokenLifetime {
		return fmt.Errorf("token: --ttl %s exceeds the maximum token lifetime %s (TITREPRO_MAX_TOKEN_LIFETIME)", *ttl, cfg.MaxTokenLifetime)
	}
	p, err := principalFromFlags(*role, *subject, *centre)
	if err != nil {
		return err
	}
	issuer, err := localIssuer(cfg)
	if err != nil {
		return err
	}
	tok, err := issuer.Issue(p, *ttl)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}

func localIssuer(cfg config) (*auth.LocalIssuer, error) {
	if cfg.OIDCIssuer != "" {
		// The server verifies only the external issuer's tokens: a local
		// one would be refused on every call.
		return nil, fmt.Errorf("the server accepts tokens of %s only (TITREPRO_OIDC_ISSUER): get a token there, or pass --token where the command takes one", cfg.OIDCIssuer)
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return auth.LoadOrCreateLocalIssuer(dir, cfg.PublicURL, cfg.Audience)
}

func principalFromFlags(roles, subject, centre string) (auth.Principal, error) {
	if subject == "" {
		return auth.Principal{}, fmt.Errorf("token: --subject is required")
	}
	if roles == "" {
		return auth.Principal{}, fmt.Errorf("token: --role is required (candidate, juror, centre, ministry or admin)")
	}
	p := auth.Principal{Subject: subject, Centre: centre}
	for _, r := range splitComma(roles) {
		role, err := auth.ParseRole(r)
		if err != nil {
			return auth.Principal{}, fmt.Errorf("token: %w", err)
		}
		p.Roles = append(p.Roles, role)
	}
	if p.Has(auth.RoleCentre) && centre == "" {
		return auth.Principal{}, fmt.Errorf("token: the centre role needs --centre")
	}
	return p, nil
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
