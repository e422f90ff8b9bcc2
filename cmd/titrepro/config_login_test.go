package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func loadEnv(env map[string]string) (config, error) {
	return loadConfig(func(k string) string { return env[k] })
}

func TestWebLoginDefaultsToTheDevelopmentLogin(t *testing.T) {
	cfg, err := loadEnv(map[string]string{"TITREPRO_PUBLIC_URL": "https://titrepro.test/"})
	if err != nil {
		t.Fatal(err)
	}
	want := WebLogin{
		IssuerURL: "https://titrepro.test", ClientID: "titrepro-web",
		RedirectURL: "https://titrepro.test/auth/callback", PostLogoutRedirectURL: "https://titrepro.test/", DevLogin: true,
	}
	if got := cfg.webLogin(); got != want {
		t.Fatalf("webLogin() = %+v; want %+v", got, want)
	}
}

func TestWebLoginWithAnExternalIssuer(t *testing.T) {
	cfg, err := loadEnv(map[string]string{
		"TITREPRO_PUBLIC_URL":         "https://titrepro.test",
		"TITREPRO_OIDC_ISSUER":        "https://id.travail.test/realms/titrepro",
		"TITREPRO_OIDC_CLIENT_ID":     "titrepro-prod",
		"TITREPRO_OIDC_CLIENT_SECRET": "s3cret value",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := WebLogin{
		IssuerURL: "https://id.travail.test/realms/titrepro", ClientID: "titrepro-prod", ClientSecret: "s3cret value",
		RedirectURL: "https://titrepro.test/auth/callback", PostLogoutRedirectURL: "https://titrepro.test/",
	}
	got := cfg.webLogin()
	if got != want {
		t.Fatalf("webLogin() = %+v; want %+v", got, want)
	}
	// Printed or logged, the value does not show the secret.
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "login", got)
	for _, out := range []string{fmt.Sprint(got), fmt.Sprintf("%+v", got), logs.String()} {
		if strings.Contains(out, "s3cret") || !strings.Contains(out, "secret=set") {
			t.Errorf("printed web login %q shows the secret or hides that there is one", out)
		}
	}
	// The local issuer's tokens would be refused: the CLI says so.
	var out bytes.Buffer
	err = token(cfg, []string{"--role", "admin", "--subject", "a"}, &out)
	if err == nil || !strings.Contains(err.Error(), "TITREPRO_OIDC_ISSUER") {
		t.Fatalf("token with an external issuer = %v; want a refusal naming TITREPRO_OIDC_ISSUER", err)
	}
}

func TestWebLoginCanBeTurnedOff(t *testing.T) {
	for _, v := range []string{"false", "0"} {
		cfg, err := loadEnv(map[string]string{"TITREPRO_DEV_LOGIN": v})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DevLogin || cfg.webLogin().IssuerURL != "" {
			t.Errorf("TITREPRO_DEV_LOGIN=%s: DevLogin %t, issuer %q; want off, no web login", v, cfg.DevLogin, cfg.webLogin().IssuerURL)
		}
	}
	cfg, err := loadEnv(map[string]string{"TITREPRO_OIDC_ISSUER": "http://localhost:8081/realms/titrepro", "TITREPRO_DEV_LOGIN": "false"})
	if err != nil || cfg.DevLogin {
		t.Fatalf("external issuer with TITREPRO_DEV_LOGIN=false: %v, DevLogin %t", err, cfg.DevLogin)
	}
}

func TestWebLoginConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"dev login and external issuer", map[string]string{"TITREPRO_OIDC_ISSUER": "https://id.test", "TITREPRO_DEV_LOGIN": "true"}, "TITREPRO_DEV_LOGIN=true with TITREPRO_OIDC_ISSUER"},
		{"dev login not a boolean", map[string]string{"TITREPRO_DEV_LOGIN": "maybe"}, "TITREPRO_DEV_LOGIN: want true or false"},
		{"plain http issuer", map[string]string{"TITREPRO_OIDC_ISSUER": "http://id.test/realms/x"}, "TITREPRO_OIDC_ISSUER: want https"},
		{"relative issuer", map[string]string{"TITREPRO_OIDC_ISSUER": "id.test"}, "TITREPRO_OIDC_ISSUER: want an absolute"},
		{"issuer with a query", map[string]string{"TITREPRO_OIDC_ISSUER": "https://id.test/?realm=x"}, "TITREPRO_OIDC_ISSUER: want an absolute"},
		{"issuer with credentials", map[string]string{"TITREPRO_OIDC_ISSUER": "https://u:p@id.test"}, "TITREPRO_OIDC_ISSUER: want an absolute"},
		{"secret without issuer", map[string]string{"TITREPRO_OIDC_CLIENT_SECRET": "x"}, "TITREPRO_OIDC_CLIENT_SECRET is only for an external issuer"},
		{"client id with a space", map[string]string{"TITREPRO_OIDC_CLIENT_ID": "titrepro web"}, "TITREPRO_OIDC_CLIENT_ID"},
		{"client id too long", map[string]string{"TITREPRO_OIDC_CLIENT_ID": strings.Repeat("c", 129)}, "TITREPRO_OIDC_CLIENT_ID"},
		{"public URL not a URL", map[string]string{"TITREPRO_PUBLIC_URL": "localhost:8080"}, "TITREPRO_PUBLIC_URL"},
		{"public URL with a fragment", map[string]string{"TITREPRO_PUBLIC_URL": "https://titrepro.test/#x"}, "TITREPRO_PUBLIC_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadEnv(tt.env)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("loadConfig = %v; want an error containing %q", err, tt.want)
			}
		})
	}
}
