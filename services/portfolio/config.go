package portfolio

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/svcrun"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/filetype"
)

// Defaults of Config.
const (
	DefaultGRPCAddr         = "127.0.0.1:9092"
	DefaultDatabaseURL      = "sqlite://var/portfolio.db"
	DefaultShutdownTimeout  = svcrun.DefaultShutdownTimeout
	DefaultBlobURL          = "file://var/blobs"
	DefaultMaxDocumentBytes = 25 << 20  // 25 MiB per file
	DefaultMaxDossierBytes  = 200 << 20 // 200 MiB per dossier
	DefaultMaxDocuments     = 100       // files per dossier
	// DefaultMaxUnpackedBytes bounds what an OpenDocument or Office file
	// unpacks to (filetype.DefaultMaxUnpackedBytes).
	DefaultMaxUnpackedBytes = filetype.DefaultMaxUnpackedBytes
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
	// BlobURL is where document contents are stored (BLOB_URL):
	// "file://var/blobs" is a folder relative to the working directory,
	// "file:///srv/blobs" an absolute one (created when missing, mode
	// 0700); "s3://BUCKET?endpoint=http://HOST:PORT&use_path_style=true&region=R"
	// an S3-compatible object store (credentials from AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY, ADR 0019); "mem://" keeps them in memory
	// (tests).
	BlobURL string
	// MaxDocumentBytes bounds one file (MAX_DOCUMENT_BYTES). A larger
	// upload is cut while streaming: RESOURCE_EXHAUSTED, HTTP 413.
	MaxDocumentBytes int64
	// MaxDossierBytes bounds the files of one dossier together
	// (MAX_DOSSIER_BYTES).
	MaxDossierBytes int64
	// MaxDocuments bounds the number of files of one dossier
	// (MAX_DOCUMENTS).
	MaxDocuments int
	// MaxUnpackedBytes bounds what an OpenDocument or Office Open XML file
	// unpacks to, declared and actual (MAX_UNPACKED_BYTES): a larger one is
	// refused as DOCUMENT_ARCHIVE_UNSAFE.
	MaxUnpackedBytes int64
}

// LoadConfig reads the configuration through getenv (os.Getenv in main),
// applies the defaults and reports every problem at once.
func LoadConfig(getenv func(string) string) (Config, error) {
	base, err := svcrun.LoadBase(getenv, DefaultGRPCAddr, DefaultDatabaseURL)
	errs := []error{err}
	cfg := Config{
		GRPCAddr:         base.GRPCAddr,
		DatabaseURL:      base.DatabaseURL,
		ShutdownTimeout:  base.ShutdownTimeout,
		GRPCTLS:          base.GRPCTLS,
		BlobURL:          cmp.Or(getenv("BLOB_URL"), DefaultBlobURL),
		MaxDocumentBytes: DefaultMaxDocumentBytes,
		MaxDossierBytes:  DefaultMaxDossierBytes,
		MaxDocuments:     DefaultMaxDocuments,
		MaxUnpackedBytes: DefaultMaxUnpackedBytes,
	}
	errs = append(errs, checkBlobURL(cfg.BlobURL))
	positive := func(name string, dst *int64) {
		v := getenv(name)
		if v == "" {
			return
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("%s: want a positive number of bytes, got %q", name, v))
			return
		}
		*dst = n
	}
	positive("MAX_DOCUMENT_BYTES", &cfg.MaxDocumentBytes)
	positive("MAX_DOSSIER_BYTES", &cfg.MaxDossierBytes)
	positive("MAX_UNPACKED_BYTES", &cfg.MaxUnpackedBytes)
	if v := getenv("MAX_DOCUMENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("MAX_DOCUMENTS: want a positive number, got %q", v))
		} else {
			cfg.MaxDocuments = n
		}
	}
	if cfg.MaxDossierBytes < cfg.MaxDocumentBytes {
		errs = append(errs, fmt.Errorf("MAX_DOSSIER_BYTES (%d) is below MAX_DOCUMENT_BYTES (%d)", cfg.MaxDossierBytes, cfg.MaxDocumentBytes))
	}
	return cfg, errors.Join(errs...)
}

// checkBlobURL refuses a BLOB_URL whose scheme the blob store does not
// know, or an s3 URL without a bucket; the blob store checks the rest
// when it opens.
func checkBlobURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("BLOB_URL: want file://<folder>, s3://<bucket>?endpoint=...&region=... or mem://, got %q (%v)", raw, err)
	}
	switch {
	case u.Scheme == "s3" && u.Host == "":
		return fmt.Errorf("BLOB_URL: %q names no bucket: want s3://<bucket>?endpoint=http://HOST:PORT&use_path_style=true&region=R", u.Redacted())
	case u.Scheme == "file", u.Scheme == "mem", u.Scheme == "s3":
		return nil
	}
	return fmt.Errorf("BLOB_URL: scheme %q is not supported: want file://<folder>, s3://<bucket>?endpoint=...&region=... or mem://, got %q", u.Scheme, u.Redacted())
}

// base returns the settings every service has.
func (c Config) base() svcrun.BaseConfig {
	return svcrun.BaseConfig{GRPCAddr: c.GRPCAddr, DatabaseURL: c.DatabaseURL, ShutdownTimeout: c.ShutdownTimeout, GRPCTLS: c.GRPCTLS}
}
