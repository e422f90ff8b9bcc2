package main

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoregistry"
)

// The standalone gateway links no service code, so it must register the
// error detail types itself; otherwise every error with details becomes a
// 500 "failed to marshal error message".
func TestErrorDetailTypesAreLinked(t *testing.T) {
	for _, name := range []string{"google.rpc.ErrorInfo", "google.rpc.BadRequest", "google.rpc.PreconditionFailure"} {
		if _, err := protoregistry.GlobalTypes.FindMessageByURL("type.googleapis.com/" + name); err != nil {
			t.Errorf("%s is not registered: %v", name, err)
		}
	}
}

func TestWebConfigFromTheEnvironment(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg, err := webConfig(env(nil))
	if err != nil || cfg.IssuerURL != "" {
		t.Fatalf("no variables: %+v, %v; want login off and no error", cfg, err)
	}
	keyFile := t.TempDir() + "/cookie.key"
	cfg, err = webConfig(env(map[string]string{
		"OIDC_ISSUER": "https://idp.example/realms/titrepro/", "PUBLIC_URL": "https://titrepro.example",
		"WEB_COOKIE_KEY_FILE": keyFile, "WEB_MARIANNE": "true",
	}))
	if err != nil || cfg.IssuerURL != "https://idp.example/realms/titrepro" || len(cfg.CookieKey) != 32 || !cfg.Marianne {
		t.Fatalf("full configuration: %+v, %v", cfg, err)
	}
	for name, m := range map[string]map[string]string{
		"no public URL": {"OIDC_ISSUER": "https://idp.example", "WEB_COOKIE_KEY_FILE": keyFile},
		"no key file":   {"OIDC_ISSUER": "https://idp.example", "PUBLIC_URL": "https://titrepro.example"},
		"bad Marianne":  {"WEB_MARIANNE": "oui"},
	} {
		if _, err := webConfig(env(m)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
