package assessment

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"time"
)

// Defaults of Config.
const (
	DefaultGRPCAddr        = "127.0.0.1:9093"
	DefaultDatabaseURL     = "sqlite://var/assessment.db"
	DefaultShutdownTimeout = 10 * time.Second
)

// Config is the service's configuration, read from the environment by
// LoadConfig.
type Config struct {
	GRPCAddr        string        // GRPC_ADDR; used when Deps.Listener is nil
	DatabaseURL     string        // DATABASE_URL: sqlite://path, sqlite::memory: or postgres://...
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT: drain period of gRPC calls in flight
}

// LoadConfig reads the configuration through getenv (os.Getenv in main),
// applies the defaults and reports every problem at once.
func LoadConfig(getenv func(string) string) (Config, error) {
	cfg := Config{
		GRPCAddr:        cmp.Or(getenv("GRPC_ADDR"), DefaultGRPCAddr),
		DatabaseURL:     cmp.Or(getenv("DATABASE_URL"), DefaultDatabaseURL),
		ShutdownTimeout: DefaultShutdownTimeout,
	}
	var errs []error
	if _, _, err := net.SplitHostPort(cfg.GRPCAddr); err != nil {
		errs = append(errs, fmt.Errorf("GRPC_ADDR: %w", err))
	}
	if v := getenv("SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("SHUTDOWN_TIMEOUT: %w", err))
		case d <= 0:
			errs = append(errs, fmt.Errorf("SHUTDOWN_TIMEOUT: must be positive, got %s", v))
		default:
			cfg.ShutdownTimeout = d
		}
	}
	return cfg, errors.Join(errs...)
}
