package svcrun

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/natsauth"
)

// DefaultShutdownTimeout is the drain period of gRPC calls in flight when
// SHUTDOWN_TIMEOUT is not set.
const DefaultShutdownTimeout = 10 * time.Second

// BaseConfig is the part of the configuration every service has.
type BaseConfig struct {
	GRPCAddr        string        // GRPC_ADDR; used when no listener is given
	DatabaseURL     string        // DATABASE_URL: sqlite://path, sqlite::memory: or postgres://...
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT: drain period of gRPC calls in flight
	// GRPCTLS serves gRPC over TLS when set: GRPC_TLS_CERT_FILE and
	// GRPC_TLS_KEY_FILE (CertFile, KeyFile), and GRPC_TLS_CLIENT_CA_FILE
	// (CAFile): client certificates required and verified against it.
	GRPCTLS grpcx.TLSFiles
}

// LoadBase reads GRPC_ADDR (host:port, default defaultGRPCAddr),
// DATABASE_URL (default defaultDatabaseURL), SHUTDOWN_TIMEOUT (a positive
// duration, default DefaultShutdownTimeout) and GRPC_TLS_CERT_FILE,
// GRPC_TLS_KEY_FILE, GRPC_TLS_CLIENT_CA_FILE (gRPC over mutual TLS; unset:
// plaintext) through getenv. The error joins
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
	var tlsErr error
	cfg.GRPCTLS, tlsErr = loadGRPCTLS(getenv)
	errs = append(errs, tlsErr)
	return cfg, errors.Join(errs...)
}

// loadGRPCTLS reads GRPC_TLS_CERT_FILE, GRPC_TLS_KEY_FILE (both or neither)
// and GRPC_TLS_CLIENT_CA_FILE (only with them: a service cannot verify
// clients without serving TLS itself).
func loadGRPCTLS(getenv func(string) string) (grpcx.TLSFiles, error) {
	f := grpcx.TLSFiles{
		CertFile: getenv("GRPC_TLS_CERT_FILE"),
		KeyFile:  getenv("GRPC_TLS_KEY_FILE"),
		CAFile:   getenv("GRPC_TLS_CLIENT_CA_FILE"),
	}
	switch {
	case (f.CertFile == "") != (f.KeyFile == ""):
		return f, errors.New("GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE go together: set both or neither")
	case f.CAFile != "" && f.CertFile == "":
		return f, errors.New("GRPC_TLS_CLIENT_CA_FILE needs GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE: clients are verified over TLS only")
	}
	return f, nil
}

// NATSConfig is where a standalone service finds the bus and who it is
// there. The server knows each service as its own identity, allowed to
// publish its own context's events and to read the streams it consumes
// (docs/operations.md, "Event bus identities"); exactly one way to
// authenticate must be set.
type NATSConfig struct {
	URL          string // NATS_URL: one server or several, comma-separated
	CredsFile    string // NATS_CREDS_FILE: a .creds file (user JWT and nkey seed; operator mode)
	NkeySeedFile string // NATS_NKEY_SEED_FILE: a file holding the identity's nkey seed ("SU...")
	User         string // NATS_USER, with NATS_PASSWORD
	Password     string // NATS_PASSWORD
	// TLS: the servers are verified against TLSCAFile (NATS_TLS_CA_FILE),
	// and the client certificate of TLSCertFile and TLSKeyFile
	// (NATS_TLS_CERT_FILE, NATS_TLS_KEY_FILE) is presented when the servers
	// ask for one. TLS adds to the identity above, never replaces it.
	TLSCAFile   string
	TLSCertFile string
	TLSKeyFile  string
}

// LoadNATS reads NATS_URL (default nats://127.0.0.1:4222), one of
// NATS_CREDS_FILE, NATS_NKEY_SEED_FILE or NATS_USER with NATS_PASSWORD, and
// NATS_TLS_CA_FILE with the optional NATS_TLS_CERT_FILE and
// NATS_TLS_KEY_FILE (both or neither). The error joins every problem.
func LoadNATS(getenv func(string) string) (NATSConfig, error) {
	c := NATSConfig{
		URL:          cmp.Or(getenv("NATS_URL"), nats.DefaultURL),
		CredsFile:    getenv("NATS_CREDS_FILE"),
		NkeySeedFile: getenv("NATS_NKEY_SEED_FILE"),
		User:         getenv("NATS_USER"),
		Password:     getenv("NATS_PASSWORD"),
		TLSCAFile:    getenv("NATS_TLS_CA_FILE"),
		TLSCertFile:  getenv("NATS_TLS_CERT_FILE"),
		TLSKeyFile:   getenv("NATS_TLS_KEY_FILE"),
	}
	var errs []error
	methods := 0
	for _, set := range []bool{c.CredsFile != "", c.NkeySeedFile != "", c.User != "" || c.Password != ""} {
		if set {
			methods++
		}
	}
	switch {
	case methods == 0:
		errs = append(errs, errors.New("NATS credentials are required: set NATS_CREDS_FILE, NATS_NKEY_SEED_FILE, or NATS_USER and NATS_PASSWORD"))
	case methods > 1:
		errs = append(errs, errors.New("NATS credentials: set only one of NATS_CREDS_FILE, NATS_NKEY_SEED_FILE, NATS_USER/NATS_PASSWORD"))
	case (c.User == "") != (c.Password == ""):
		errs = append(errs, errors.New("NATS_USER and NATS_PASSWORD go together"))
	}
	switch {
	case (c.TLSCertFile == "") != (c.TLSKeyFile == ""):
		errs = append(errs, errors.New("NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE go together: set both or neither"))
	case c.TLSCertFile != "" && c.TLSCAFile == "":
		errs = append(errs, errors.New("NATS_TLS_CERT_FILE needs NATS_TLS_CA_FILE: the authority the NATS servers' certificates are verified against"))
	}
	return c, errors.Join(errs...)
}

// Options authenticate the connection of the service name and give it its
// inbox prefix: the server lets an identity read replies under its own
// prefix only (natsauth.InboxPrefix).
func (c NATSConfig) Options(name string) ([]nats.Option, error) {
	opts := []nats.Option{nats.CustomInboxPrefix(natsauth.InboxPrefix(name))}
	switch {
	case c.CredsFile != "":
		opts = append(opts, nats.UserCredentials(c.CredsFile))
	case c.NkeySeedFile != "":
		o, err := nats.NkeyOptionFromSeed(c.NkeySeedFile)
		if err != nil {
			return nil, fmt.Errorf("NATS_NKEY_SEED_FILE: %w", err)
		}
		opts = append(opts, o)
	default:
		opts = append(opts, nats.UserInfo(c.User, c.Password))
	}
	if c.TLSCAFile != "" {
		// nats.go then insists on TLS with every server of NATS_URL,
		// whether the URL says nats:// or tls://.
		opts = append(opts, nats.RootCAs(c.TLSCAFile))
	}
	if c.TLSCertFile != "" {
		opts = append(opts, nats.ClientCert(c.TLSCertFile, c.TLSKeyFile))
	}
	return opts, nil
}
