package deploy

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The environment variables each program's configuration loader reads. A
// packaging file may set only these on a titrepro container: a misspelt or
// invented name would be ignored silently at run time (a service started
// without TLS, a limit left at its default). Every name here is checked
// against the source (TestProgramVariablesAreInTheSource), so the lists
// cannot drift from the loaders.
var (
	// internal/svcrun: LoadBase, LoadNATS, LoadStandalone.
	serviceVars = []string{
		"GRPC_ADDR", "DATABASE_URL", "SHUTDOWN_TIMEOUT", "LOG_LEVEL",
		"AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_JWKS_URL", "AUTH_MAX_TOKEN_LIFETIME",
		"NATS_URL", "NATS_CREDS_FILE", "NATS_NKEY_SEED_FILE", "NATS_USER", "NATS_PASSWORD", "NATS_STREAM_REPLICAS",
		"METRICS_ADDR",
		"GRPC_TLS_CERT_FILE", "GRPC_TLS_KEY_FILE", "GRPC_TLS_CLIENT_CA_FILE",
		"NATS_TLS_CA_FILE", "NATS_TLS_CERT_FILE", "NATS_TLS_KEY_FILE",
	}
	// internal/mail.LoadConfig (services/candidate; TITREPRO_-prefixed in
	// the all-in-one).
	mailVars = []string{"SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_PASSWORD_FILE",
		"SMTP_TLS", "SMTP_FROM", "SMTP_TIMEOUT", "MAIL_PICKUP_DIR"}
	// gateway.LoadLimits (gateway/config.go; TITREPRO_-prefixed in the
	// all-in-one).
	limitVars = []string{"HTTP_MAX_BODY_BYTES", "HTTP_BODY_TIMEOUT", "HTTP_MIN_BODY_RATE", "HTTP_IDLE_TIMEOUT",
		"HTTP_MAX_HEADER_BYTES", "HTTP_READ_HEADER_TIMEOUT", "HTTP_WRITE_TIMEOUT",
		"RATE_LIMIT_ANONYMOUS", "RATE_LIMIT_AUTH_FAILURES", "RATE_LIMIT_MAX_CLIENTS"}
	// cmd/titrepro/config.go, the all-in-one (and `titrepro issuer`).
	allInOneVars = []string{"TITREPRO_DATA_DIR", "TITREPRO_HTTP_ADDR", "TITREPRO_PUBLIC_URL", "TITREPRO_AUDIENCE",
		"TITREPRO_NATS_ADDR", "TITREPRO_CANDIDATE_ADDR", "TITREPRO_CERTIFICATION_ADDR", "TITREPRO_ASSESSMENT_ADDR",
		"TITREPRO_PORTFOLIO_ADDR", "TITREPRO_SHUTDOWN_TIMEOUT", "TITREPRO_MAX_TOKEN_LIFETIME", "TITREPRO_LOG_LEVEL",
		"TITREPRO_LOG_FORMAT", "TITREPRO_OIDC_ISSUER", "TITREPRO_OIDC_CLIENT_ID", "TITREPRO_OIDC_CLIENT_SECRET",
		"TITREPRO_DEV_LOGIN", "TITREPRO_WEB_MARIANNE"}
	// Read by a library, not by titrepro's code: the OpenTelemetry SDK
	// (OTEL_*) and the AWS SDK behind gocloud.dev's s3blob (AWS_*).
	otelVars = []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS",
		"OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG"}
	awsVars = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
		"AWS_SHARED_CREDENTIALS_FILE"}
)

// cpfVars are the certifier's identifiers for the CPF deposit, read by the
// certification service and passed on as they are by the all-in-one.
var cpfVars = []string{"CPF_EMITTER_CLIENT_ID", "CPF_CERTIFIER_CLIENT_ID", "CPF_CONTRACT_ID", "CPF_DEPOSITOR"}

// appealVars: the appeal time limit (R61), read by the certification
// service and passed on as it is by the all-in-one.
var appealVars = []string{"APPEAL_DEADLINE_MONTHS"}

// libraryVars are read by a dependency, not by a literal in titrepro's
// source.
var libraryVars = concat(otelVars, awsVars)

// programVars are the variables each program (a Dockerfile target) reads.
var programVars = map[string][]string{
	"candidate":     concat(serviceVars, otelVars, mailVars),
	"portfolio":     concat(serviceVars, otelVars, awsVars, []string{"BLOB_URL", "MAX_DOCUMENT_BYTES", "MAX_DOSSIER_BYTES", "MAX_DOCUMENTS", "MAX_UNPACKED_BYTES"}),
	"assessment":    concat(serviceVars, otelVars),
	"certification": concat(serviceVars, otelVars, []string{"REFERENTIELS_DIR", "CERTIFICATE_KEY_FILE", "CERTIFICATE_RETIRED_KEYS_FILE", "PUBLIC_URL"}, cpfVars, appealVars),
	// gateway/cmd/gateway/main.go.
	"gateway": concat(otelVars, limitVars, []string{"HTTP_ADDR", "SHUTDOWN_TIMEOUT", "MAX_DOCUMENT_BYTES",
		"CANDIDATE_SERVICE_ADDR", "CERTIFICATION_SERVICE_ADDR", "ASSESSMENT_SERVICE_ADDR", "PORTFOLIO_SERVICE_ADDR",
		"OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "PUBLIC_URL", "WEB_COOKIE_KEY_FILE", "WEB_MARIANNE",
		"SERVICES_TLS_CA_FILE", "SERVICES_TLS_CERT_FILE", "SERVICES_TLS_KEY_FILE"}),
	"titrepro": concat(allInOneVars, cpfVars, appealVars, otelVars, prefixed("TITREPRO_", mailVars), prefixed("TITREPRO_", limitVars)),
}

func concat(lists ...[]string) []string { return slices.Concat(lists...) }

func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

// checkProgramEnv reports the names of env that program does not read.
func checkProgramEnv(t *testing.T, where, program string, env []string) {
	t.Helper()
	known, ok := programVars[program]
	if !ok {
		t.Errorf("%s: unknown program %q (want one of the Dockerfile targets)", where, program)
		return
	}
	for _, name := range env {
		if !slices.Contains(known, name) {
			t.Errorf("%s: %s sets %s, which %s's configuration never reads", where, program, name, program)
		}
	}
}

var (
	sourceOnce     sync.Once
	sourceLiterals map[string]bool
	sourceErr      error
)

// envLiteral is a string literal that can be a variable name.
var envLiteral = regexp.MustCompile(`"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"`)

// literalsInSource are the quoted upper-case names in the repository's
// non-test Go files, outside this module: where the loaders name the
// variables they read (getenv("NAME"), prefix+"NAME").
func literalsInSource(t *testing.T) map[string]bool {
	t.Helper()
	sourceOnce.Do(func() {
		sourceLiterals = map[string]bool{}
		sourceErr = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				switch d.Name() {
				case ".git", "node_modules", "deploy", "testdata", "var":
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range envLiteral.FindAllSubmatch(b, -1) {
				sourceLiterals[string(m[1])] = true
			}
			return nil
		})
	})
	if sourceErr != nil {
		t.Fatal(sourceErr)
	}
	if len(sourceLiterals) == 0 {
		t.Fatal("no variable name found in the source: is the test run from deploy/?")
	}
	return sourceLiterals
}

// TestProgramVariablesAreInTheSource keeps programVars honest: each name a
// program is said to read appears in the source as a literal (the
// prefixed ones unprefixed), except those a library reads.
func TestProgramVariablesAreInTheSource(t *testing.T) {
	literals := literalsInSource(t)
	for program, names := range programVars {
		for _, name := range names {
			if slices.Contains(libraryVars, name) {
				continue
			}
			bare := name
			if program == "titrepro" && (slices.Contains(mailVars, strings.TrimPrefix(name, "TITREPRO_")) ||
				slices.Contains(limitVars, strings.TrimPrefix(name, "TITREPRO_"))) {
				bare = strings.TrimPrefix(name, "TITREPRO_")
			}
			if !literals[bare] {
				t.Errorf("%s: %s is not named anywhere in the Go source: no loader reads it", program, bare)
			}
		}
	}
}
