package certification

import (
	"cmp"
	"errors"
	"fmt"
	"time"
)

// Defaults of Config.
const (
	DefaultGRPCAddr        = "127.0.0.1:9094"
	DefaultDatabaseURL     = "sqlite://var/certification.db"
	DefaultShutdownTimeout = 10 * time.Second
	DefaultReferentielsDir = "referentiels"
	DefaultSigningKeyFile  = "var/certificate-ed25519.pem"
)

// Config is the service's configuration, read from the environment by
// LoadConfig.
type Config struct {
	GRPCAddr        string        // GRPC_ADDR; used when Deps.Listener is nil
	DatabaseURL     string        // DATABASE_URL: sqlite://path or postgres://...
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT: drain period of gRPC calls in flight
	// ReferentielsDir is the folder of the title files loaded at start
	// (REFERENTIELS_DIR). Deps.Referentiels, when set, is used instead.
	ReferentielsDir string
	// SigningKeyFile is the certification authority's Ed25519 private key
	// (CERTIFICATE_KEY_FILE), PKCS#8 PEM, mode 0600; created at first
	// start when missing. Deps.SigningKey, when set, is used instead.
	SigningKeyFile string
}

// LoadConfig reads the configuration through getenv (os.Getenv in main)
// and reports every problem at once.
func LoadConfig(getenv func(string) string) (Config, error) {
	cfg := Config{
		GRPCAddr:        cmp.Or(getenv("GRPC_ADDR"), DefaultGRPCAddr),
		DatabaseURL:     cmp.Or(getenv("DATABASE_URL"), DefaultDatabaseURL),
		ShutdownTimeout: DefaultShutdownTimeout,
		ReferentielsDir: cmp.Or(getenv("REFERENTIELS_DIR"), DefaultReferentielsDir),
		SigningKeyFile:  cmp.Or(getenv("CERTIFICATE_KEY_FILE"), DefaultSigningKeyFile),
	}
	var errs []error
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
