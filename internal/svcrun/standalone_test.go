package svcrun_test

import (
	"context"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/natstest"
	"github.com/titrepro/titrepro/internal/svcrun"
)

func TestLoadStandaloneRefusesBadSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no issuer", map[string]string{}, "AUTH_ISSUER is required"},
		{"bad log level", map[string]string{"AUTH_ISSUER": "https://idp", "LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{"no NATS", map[string]string{"AUTH_ISSUER": "https://idp", "NATS_URL": "nats://127.0.0.1:1"}, "nats:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := svcrun.LoadStandalone(context.Background(), "test", func(k string) string { return tt.env[k] })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadStandalone() error = %v; want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestLoadStandaloneConnects(t *testing.T) {
	t.Parallel()
	s := natstest.RunJetStream(t)
	env := map[string]string{"AUTH_ISSUER": "https://idp.example/", "NATS_URL": s.ClientURL()}
	got, err := svcrun.LoadStandalone(context.Background(), "test", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	if _, err := got.JetStream.AccountInfo(context.Background()); err != nil {
		t.Fatalf("JetStream not usable: %v", err)
	}
}
