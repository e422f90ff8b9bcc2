package assessment_test

import (
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/services/assessment"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	cfg, err := assessment.LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatalf("LoadConfig(empty) = %v", err)
	}
	if cfg.GRPCAddr != "127.0.0.1:9093" || cfg.DatabaseURL != "sqlite://var/assessment.db" || cfg.ShutdownTimeout != 10*time.Second {
		t.Fatalf("defaults = %+v", cfg)
	}
	env := map[string]string{"GRPC_ADDR": ":7000", "DATABASE_URL": "postgres://db/x", "SHUTDOWN_TIMEOUT": "3s"}
	cfg, err = assessment.LoadConfig(func(k string) string { return env[k] })
	if err != nil || cfg.GRPCAddr != ":7000" || cfg.DatabaseURL != "postgres://db/x" || cfg.ShutdownTimeout != 3*time.Second {
		t.Fatalf("LoadConfig(set) = %+v, %v", cfg, err)
	}
	bad := map[string]string{"GRPC_ADDR": "nohostport", "SHUTDOWN_TIMEOUT": "-1s"}
	_, err = assessment.LoadConfig(func(k string) string { return bad[k] })
	if err == nil || !strings.Contains(err.Error(), "GRPC_ADDR") || !strings.Contains(err.Error(), "SHUTDOWN_TIMEOUT") {
		t.Fatalf("LoadConfig(bad) = %v; want both problems", err)
	}
}
