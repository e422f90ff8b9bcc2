package svcrun

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"time"
)

// DefaultShutdownTimeout is the drain period of gRPC calls in flight when
// SHUTDOWN_TIMEOUT is not set.
const DefaultShutdownTimeout = 10 * time.Second

// BaseConfig is the part of the configuration every service has.
type BaseConfig struct {
	GRPCAddr        string        // GRPC_ADDR; used when no listener is given
	DatabaseURL     string        // DATABASE_URL: sqlite://path, sqlite::memory: or postgres://...
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT: drain period of gRPC calls in flight
}

// LoadBase reads GRPC_ADDR (host:port, default defaultGRPCAddr),
// DATABASE_URL (default defaultDatabaseURL) and SHUTDOWN_TIMEOUT (a positive
// duration, default DefaultShutdownTimeout) through getenv. The error joins
// every problem, so that a service's LoadConfig can join it with its own
// and report them all at once.
func LoadBase(getenv func(string) string, defaultGRPCAddr, defaultDatabaseURL string) (BaseConfig, error) {
	cfg := BaseConfig{
		GRPCAddr:        cmp.Or(getenv("GRPC_ADDR"), defaultGRPCAddr),
		DatabaseURL:     cmp.Or(getenv("DATABASE_URL"), defaultDatabaseURL),
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
