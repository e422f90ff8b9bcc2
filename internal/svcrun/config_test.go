package svcrun_test

import (
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/svcrun"
)

func TestLoadBase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		want    svcrun.BaseConfig
		wantErr []string // substrings of the error, every problem at once
	}{
		{name: "defaults", want: svcrun.BaseConfig{
			GRPCAddr: "127.0.0.1:9000", DatabaseURL: "sqlite://var/test.db", ShutdownTimeout: svcrun.DefaultShutdownTimeout,
		}},
		{name: "overrides", env: map[string]string{
			"GRPC_ADDR": ":7000", "DATABASE_URL": "postgres://db/test", "SHUTDOWN_TIMEOUT": "3s",
		}, want: svcrun.BaseConfig{GRPCAddr: ":7000", DatabaseURL: "postgres://db/test", ShutdownTimeout: 3 * time.Second}},
		{name: "every problem is reported", env: map[string]string{"GRPC_ADDR": "no-port", "SHUTDOWN_TIMEOUT": "soon"},
			wantErr: []string{"GRPC_ADDR", "SHUTDOWN_TIMEOUT"}},
		{name: "shutdown timeout must be positive", env: map[string]string{"SHUTDOWN_TIMEOUT": "-1s"},
			wantErr: []string{"SHUTDOWN_TIMEOUT: must be positive"}},
		{name: "TLS with client certificates", env: map[string]string{
			"GRPC_TLS_CERT_FILE": "/c/svc.crt", "GRPC_TLS_KEY_FILE": "/c/svc.key", "GRPC_TLS_CLIENT_CA_FILE": "/c/ca.crt",
		}, want: svcrun.BaseConfig{GRPCAddr: "127.0.0.1:9000", DatabaseURL: "sqlite://var/test.db", ShutdownTimeout: svcrun.DefaultShutdownTimeout,
			GRPCTLS: grpcx.TLSFiles{CertFile: "/c/svc.crt", KeyFile: "/c/svc.key", CAFile: "/c/ca.crt"}}},
		{name: "TLS certificate without key", env: map[string]string{"GRPC_TLS_CERT_FILE": "/c/svc.crt"},
			wantErr: []string{"GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE go together"}},
		{name: "TLS key without certificate", env: map[string]string{"GRPC_TLS_KEY_FILE": "/c/svc.key"},
			wantErr: []string{"GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE go together"}},
		{name: "client authority without TLS", env: map[string]string{"GRPC_TLS_CLIENT_CA_FILE": "/c/ca.crt"},
			wantErr: []string{"GRPC_TLS_CLIENT_CA_FILE needs GRPC_TLS_CERT_FILE"}},
		{name: "zero shutdown timeout", env: map[string]string{"SHUTDOWN_TIMEOUT": "0s"},
			wantErr: []string{"SHUTDOWN_TIMEOUT: must be positive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := svcrun.LoadBase(func(k string) string { return tt.env[k] }, "127.0.0.1:9000", "sqlite://var/test.db")
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("LoadBase() = %+v, nil; want an error", got)
				}
				for _, want := range tt.wantErr {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not mention %s", err, want)
					}
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("LoadBase() = %+v, %v; want %+v, nil", got, err, tt.want)
			}
		})
	}
}
