package candidate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/mail"
	"github.com/titrepro/titrepro/services/candidate"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		want    candidate.Config
		wantErr []string // substrings of the error, every problem at once
	}{
		{name: "defaults", env: nil, want: candidate.Config{
			GRPCAddr: "127.0.0.1:9091", DatabaseURL: "sqlite://var/candidate.db", ShutdownTimeout: 10 * time.Second,
			Mail:         mail.Config{TLS: mail.TLSStartTLS, Port: 587, From: mail.DefaultFrom, PickupDir: "var/mail/outgoing", Timeout: 30 * time.Second},
			MaxBanMonths: 12,
		}},
		{name: "overrides", env: map[string]string{
			"GRPC_ADDR": ":7000", "DATABASE_URL": "postgres://db/candidate", "SHUTDOWN_TIMEOUT": "3s",
			"SMTP_HOST": "smtp.example.gouv.fr", "SMTP_FROM": "Titre professionnel <ne-pas-repondre@example.gouv.fr>",
			"SANCTION_MAX_BAN_MONTHS": "6",
		}, want: candidate.Config{GRPCAddr: ":7000", DatabaseURL: "postgres://db/candidate", ShutdownTimeout: 3 * time.Second, MaxBanMonths: 6,
			Mail: mail.Config{Host: "smtp.example.gouv.fr", Port: 587, TLS: mail.TLSStartTLS,
				From: "Titre professionnel <ne-pas-repondre@example.gouv.fr>", Timeout: 30 * time.Second}}},
		{name: "every problem is reported", env: map[string]string{
			"GRPC_ADDR": "no-port", "SHUTDOWN_TIMEOUT": "soon", "SMTP_HOST": "smtp.example.org", "SMTP_TLS": "ssl",
			"SANCTION_MAX_BAN_MONTHS": "0",
		}, wantErr: []string{"GRPC_ADDR", "SHUTDOWN_TIMEOUT", "SMTP_TLS", "SMTP_FROM", "SANCTION_MAX_BAN_MONTHS"}},
		{name: "shutdown timeout must be positive", env: map[string]string{"SHUTDOWN_TIMEOUT": "-1s"},
			wantErr: []string{"SHUTDOWN_TIMEOUT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := candidate.LoadConfig(func(k string) string { return tt.env[k] })
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("LoadConfig() = %+v, nil; want an error", got)
				}
				for _, want := range tt.wantErr {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not mention %s", err, want)
					}
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("LoadConfig() = %+v, %v; want %+v, nil", got, err, tt.want)
			}
		})
	}
}
