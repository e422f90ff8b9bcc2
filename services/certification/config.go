package certification

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/svcrun"

	"github.com/titrepro/titrepro/services/certification/internal/domain/appeal"
	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
)

// Defaults of Config.
const (
	DefaultGRPCAddr        = "127.0.0.1:9094"
	DefaultDatabaseURL     = "sqlite://var/certification.db"
	DefaultShutdownTimeout = svcrun.DefaultShutdownTimeout
	DefaultReferentielsDir = "referentiels"
	DefaultSigningKeyFile  = "var/certificate-ed25519.pem"
	DefaultRetiredKeysFile = "var/certificate-keys-retired.json"
	DefaultPublicURL       = "http://localhost:8080"
)

// Config is the service's configuration, read from the environment by
// LoadConfig. Its first four fields are the settings every service has
// (svcrun.BaseConfig).
type Config struct {
	GRPCAddr        string        // GRPC_ADDR; used when Deps.Listener is nil
	DatabaseURL     string        // DATABASE_URL: sqlite://path or postgres://...
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT: drain period of gRPC calls in flight
	// GRPCTLS serves gRPC over mutual TLS: GRPC_TLS_CERT_FILE,
	// GRPC_TLS_KEY_FILE, GRPC_TLS_CLIENT_CA_FILE (svcrun.LoadBase).
	GRPCTLS grpcx.TLSFiles
	// ReferentielsDir is the folder of the title files loaded at start
	// (REFERENTIELS_DIR). Deps.Referentiels, when set, is used instead.
	ReferentielsDir string
	// SigningKeyFile is the certification authority's Ed25519 private key
	// (CERTIFICATE_KEY_FILE), PKCS#8 PEM, mode 0600; created at first
	// start when missing, but never once certificates were issued: then
	// the service refuses to start until the key is restored.
	// Deps.SigningKey, when set, is used instead.
	SigningKeyFile string
	// RetiredKeysFile is the JWK Set of the public keys retired by a key
	// rotation (CERTIFICATE_RETIRED_KEYS_FILE): they verify the certificates
	// they signed. Missing until the first rotation.
	RetiredKeysFile string
	// PublicURL is the address of the public web application
	// (PUBLIC_URL, default http://localhost:8080): a parchment's QR code
	// opens its verification page, PublicURL/verifier/{number}.
	PublicURL string
	// CpfDeposit are the certifier's identifiers at the Caisse des dépôts
	// for the CPF deposit (R56): CPF_EMITTER_CLIENT_ID,
	// CPF_CERTIFIER_CLIENT_ID, CPF_CONTRACT_ID and CPF_DEPOSITOR
	// (CERTIFICATEUR or TIERS_CONFIANCE, optional). Unset, the service
	// runs, and an export is refused naming the missing setting.
	CpfDeposit cpfdeposit.Config
	// AppealDeadlineMonths is the time limit of an appeal against a
	// decision, in months from its notification (APPEAL_DEADLINE_MONTHS,
	// 1 to 24, default 2: R61).
	AppealDeadlineMonths int
}

// LoadConfig reads the configuration through getenv (os.Getenv in main)
// and reports every problem at once.
func LoadConfig(getenv func(string) string) (Config, error) {
	base, err := svcrun.LoadBase(getenv, DefaultGRPCAddr, DefaultDatabaseURL)
	months := appeal.DefaultDeadlineMonths
	if v := getenv("APPEAL_DEADLINE_MONTHS"); v != "" {
		n, convErr := strconv.Atoi(v)
		if convErr != nil || n < 1 || n > appeal.MaxDeadlineMonths {
			err = errors.Join(err, fmt.Errorf("APPEAL_DEADLINE_MONTHS: %q is not a number of months from 1 to %d", v, appeal.MaxDeadlineMonths))
		} else {
			months = n
		}
	}
	return Config{
		AppealDeadlineMonths: months,
		GRPCAddr:             base.GRPCAddr,
		DatabaseURL:          base.DatabaseURL,
		ShutdownTimeout:      base.ShutdownTimeout,
		GRPCTLS:              base.GRPCTLS,
		ReferentielsDir:      cmp.Or(getenv("REFERENTIELS_DIR"), DefaultReferentielsDir),
		SigningKeyFile:       cmp.Or(getenv("CERTIFICATE_KEY_FILE"), DefaultSigningKeyFile),
		RetiredKeysFile:      cmp.Or(getenv("CERTIFICATE_RETIRED_KEYS_FILE"), DefaultRetiredKeysFile),
		PublicURL:            strings.TrimRight(cmp.Or(getenv("PUBLIC_URL"), DefaultPublicURL), "/"),
		CpfDeposit: cpfdeposit.Config{
			EmitterClientID:   getenv("CPF_EMITTER_CLIENT_ID"),
			CertifierClientID: getenv("CPF_CERTIFIER_CLIENT_ID"),
			ContractID:        getenv("CPF_CONTRACT_ID"),
			Depositor:         getenv("CPF_DEPOSITOR"),
		},
	}, err
}

// base returns the settings every service has.
func (c Config) base() svcrun.BaseConfig {
	return svcrun.BaseConfig{GRPCAddr: c.GRPCAddr, DatabaseURL: c.DatabaseURL, ShutdownTimeout: c.ShutdownTimeout, GRPCTLS: c.GRPCTLS}
}
