package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// referentiel handles `titrepro referentiel import FILE`: it sends the file
// to the running server's ImportTitle endpoint, as the ministry. Without
// --token it mints a short-lived ministry token with the local issuer, which
// only works on the machine that holds the data folder.
func referentiel(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("usage: titrepro referentiel import FILE [--token T] [--url %s]", cfg.PublicURL)
	}
	call, err := parseMinistryCall(cfg, "referentiel import", args[1:], true, "usage: titrepro referentiel import FILE")
	if err != nil {
		return err
	}
	file := call.arg
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"referentiel_yaml": string(data), "source_name": filepath.Base(file)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, call.base+"/v1/titles:import", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+call.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("is `titrepro serve` running at %s? %w", call.base, err)
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
