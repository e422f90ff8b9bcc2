package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
)

// referentiel handles `titrepro referentiel import FILE`: it sends the file
// to the running server's ImportTitle endpoint, as the ministry. Without
// --token it mints a short-lived ministry token with the local issuer, which
// only works on the machine that holds the data folder.
func referentiel(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("usage: titrepro referentiel import FILE [--token T] [--url %s]", cfg.PublicURL)
	}
	fs := flag.NewFlagSet("referentiel import", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	tok := fs.String("token", "", "bearer token of a ministry user (default: minted by the local issuer)")
	base := fs.String("url", cfg.PublicURL, "base URL of the titrepro gateway")
	file, rest := splitFileArg(args[1:])
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if file == "" {
		return fmt.Errorf("usage: titrepro referentiel import FILE")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if *tok == "" {
		issuer, err := localIssuer(cfg)
		if err != nil {
			return err
		}
		if *tok, err = issuer.Issue(auth.Principal{Subject: "titrepro-cli", Roles: []auth.Role{auth.RoleMinistry}}, 5*time.Minute); err != nil {
			return err
		}
	}
	body, _ := json.Marshal(map[string]string{"referentiel_yaml": string(data), "source_name": filepath.Base(file)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, *base+"/v1/titles:import", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+*tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("is `titrepro serve` running at %s? %w", *base, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("import refused (HTTP %d): %s", resp.StatusCode, out)
	}
	var res struct {
		Title struct {
			ID, Version, Label string
		} `json:"title"`
		Created bool `json:"created"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return fmt.Errorf("unexpected answer: %s", out)
	}
	verb := "published"
	if !res.Created {
		verb = "already published, unchanged"
	}
	_, err = fmt.Fprintf(stdout, "%s version %s (%s): %s\n", res.Title.ID, res.Title.Version, res.Title.Label, verb)
	return err
}

// splitFileArg lets FILE come before the flags, as in the usage line.
func splitFileArg(args []string) (string, []string) {
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		return args[0], args[1:]
	}
	return "", args
}
