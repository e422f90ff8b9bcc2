package main

import (
	"strings"
	"testing"
	"time"
)

func TestTokenRefusesToMintBeyondTheMaximumLifetime(t *testing.T) {
	env := map[string]string{"TITREPRO_DATA_DIR": t.TempDir(), "TITREPRO_MAX_TOKEN_LIFETIME": "2h"}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxTokenLifetime != 2*time.Hour {
		t.Fatalf("MaxTokenLifetime = %s", cfg.MaxTokenLifetime)
	}
	var out strings.Builder
	err = token(cfg, []string{"--role", "candidate", "--subject", "s", "--ttl", "3h"}, &out)
	if err == nil || !strings.Contains(err.Error(), "TITREPRO_MAX_TOKEN_LIFETIME") || out.Len() > 0 {
		t.Fatalf("--ttl 3h with a 2h maximum: err %v, out %q; want a refusal", err, out.String())
	}
	if err := token(cfg, []string{"--role", "candidate", "--subject", "s", "--ttl", "2h"}, &out); err != nil || out.Len() == 0 {
		t.Fatalf("--ttl 2h: %v", err)
	}
}

func TestConfigRefusesBadLimits(t *testing.T) {
	for key, value := range map[string]string{
		"TITREPRO_MAX_TOKEN_LIFETIME":   "forever",
		"TITREPRO_HTTP_MAX_BODY_BYTES":  "-1",
		"TITREPRO_HTTP_BODY_TIMEOUT":    "soon",
		"TITREPRO_RATE_LIMIT_ANONYMOUS": "many",
	} {
		_, err := loadConfig(func(k string) string {
			if k == key {
				return value
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%s: err %v; want it named", key, value, err)
		}
	}
}
