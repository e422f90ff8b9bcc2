package candidate

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/mail"
	"github.com/titrepro/titrepro/internal/svcrun"
)

// Defaults of Config.
const (
	DefaultGRPCAddr        = "127.0.0.1:9091"
	DefaultDatabaseURL     = "sqlite://var/candidate.db"
	DefaultShutdownTimeout = svcrun.DefaultShutdownTimeout
	// DefaultMailPickupDir is where messages are written when no SMTP
	// server is configured.
	DefaultMailPickupDir = "var/mail/outgoing"
	// DefaultMaxBanMonths is the longest ban by default: one year (R58).
	DefaultMaxBanMonths = 12
)

// Config is the service's configuration, read from the environment by
// LoadConfig. Its first four fields are the settings every service has
// (svcrun.BaseConfig).
type Config struct {
	GRPCAddr        string        // GRPC_ADDR; used when Deps.Listener is nil
	DatabaseURL     string        // DATABASE_URL: sqlite://path, sqlite::memory: or postgres://...
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT: drain period of gRPC calls in flight
	// GRPCTLS serves gRPC over mutual TLS: GRPC_TLS_CERT_FILE,
	// GRPC_TLS_KEY_FILE, GRPC_TLS_CLIENT_CA_FILE (svcrun.LoadBase).
	GRPCTLS grpcx.TLSFiles
	// Mail is where the notifications go: SMTP_HOST, SMTP_PORT,
	// SMTP_USERNAME, SMTP_PASSWORD or SMTP_PASSWORD_FILE, SMTP_TLS,
	// SMTP_FROM, SMTP_TIMEOUT, or without SMTP_HOST the pickup folder
	// MAIL_PICKUP_DIR (default var/mail/outgoing) — see mail.LoadConfig.
	Mail mail.Config
	// MaxBanMonths is the longest ban the ministry may pronounce (R58):
	// SANCTION_MAX_BAN_MONTHS, default 12 (one year), 1 to 120.
	MaxBanMonths int
}

func (c Config) base() svcrun.BaseConfig {
	return svcrun.BaseConfig{GRPCAddr: c.GRPCAddr, DatabaseURL: c.DatabaseURL, ShutdownTimeout: c.ShutdownTimeout, GRPCTLS: c.GRPCTLS}
}

// LoadConfig reads the configuration through getenv (os.Getenv in main),
// applies the defaults and reports every problem at once.
func LoadConfig(getenv func(string) string) (Config, error) {
	base, err := svcrun.LoadBase(getenv, DefaultGRPCAddr, DefaultDatabaseURL)
	m, mailErr := mail.LoadConfig("", getenv, DefaultMailPickupDir)
	maxBan, banErr := maxBanMonths(getenv("SANCTION_MAX_BAN_MONTHS"))
	return Config{
		GRPCAddr: base.GRPCAddr, DatabaseURL: base.DatabaseURL, ShutdownTimeout: base.ShutdownTimeout, GRPCTLS: base.GRPCTLS, Mail: m,
		MaxBanMonths: maxBan,
	}, errors.Join(err, mailErr, banErr)
}

// maxBanMonths reads SANCTION_MAX_BAN_MONTHS: empty is the default, one
// year (R58).
func maxBanMonths(v string) (int, error) {
	if v == "" {
		return DefaultMaxBanMonths, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 120 {
		return DefaultMaxBanMonths, fmt.Errorf("SANCTION_MAX_BAN_MONTHS: want a number of months from 1 to 120, got %q", v)
	}
	return n, nil
}
