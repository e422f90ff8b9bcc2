package assessment

import "github.com/titrepro/titrepro/internal/svcrun"

// Defaults of Config.
const (
	DefaultGRPCAddr        = "127.0.0.1:9093"
	DefaultDatabaseURL     = "sqlite://var/assessment.db"
	DefaultShutdownTimeout = svcrun.DefaultShutdownTimeout
)

// Config is the service's configuration, read from the environment by
// LoadConfig: GRPCAddr (GRPC_ADDR, used when Deps.Listener is nil),
// DatabaseURL (DATABASE_URL), ShutdownTimeout (SHUTDOWN_TIMEOUT) and GRPCTLS
// (GRPC_TLS_CERT_FILE, GRPC_TLS_KEY_FILE, GRPC_TLS_CLIENT_CA_FILE), the
// settings every service has (svcrun.BaseConfig).
type Config svcrun.BaseConfig

// LoadConfig reads the configuration through getenv (os.Getenv in main),
// applies the defaults and reports every problem at once.
func LoadConfig(getenv func(string) string) (Config, error) {
	base, err := svcrun.LoadBase(getenv, DefaultGRPCAddr, DefaultDatabaseURL)
	return Config(base), err
}
