package cluster

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/titrepro/titrepro/internal/natsauth"
)

// This file is the one place that decides each process's command line and
// environment: to add a setting to every service (TLS, tracing…), change
// serviceEnv, or pass Options.ExtraEnv.

// environ turns env into a process environment: only PATH and HOME are
// inherited, so that the shell's DATABASE_URL or NATS_URL never leak into
// a process; then Options.ExtraEnv has its say.
func (c *Cluster) environ(name string, env map[string]string) []string {
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			if _, set := env[k]; !set {
				env[k] = v
			}
		}
	}
	if c.opts.ExtraEnv != nil {
		c.opts.ExtraEnv(name, env)
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

func (c *Cluster) bin(name string) string { return filepath.Join(c.opts.BinDir, name) }

func (c *Cluster) newProcess(name, path string, args []string, env map[string]string) *Process {
	return &Process{Name: name, Path: path, Args: args, Env: c.environ(name, env), Dir: c.opts.DataDir, Log: c.LogFile(name)}
}

// issuerProcess is `titrepro issuer`, its key in DataDir/issuer.
func (c *Cluster) issuerProcess() *Process {
	return c.newProcess("issuer", c.bin("titrepro"),
		[]string{"issuer", "--addr", fmt.Sprintf("127.0.0.1:%d", c.ports.Issuer), "--web-url", c.GatewayURL()},
		map[string]string{
			"TITREPRO_DATA_DIR":   c.IssuerDataDir(),
			"TITREPRO_PUBLIC_URL": c.IssuerURL(),
			"TITREPRO_LOG_FORMAT": "json",
		})
}

// ServiceEnv is the environment of a service's replica.
func (c *Cluster) serviceEnv(svc string, replica int) map[string]string {
	env := map[string]string{
		"GRPC_ADDR":            fmt.Sprintf("127.0.0.1:%d", c.ports.GRPC(svc, replica)),
		"METRICS_ADDR":         fmt.Sprintf("127.0.0.1:%d", c.ports.Metrics(svc, replica)),
		"DATABASE_URL":         c.schemaURL(svc),
		"SHUTDOWN_TIMEOUT":     "5s",
		"NATS_URL":             c.NATSURLs(),
		"NATS_NKEY_SEED_FILE":  c.seedFile(svc),
		"NATS_STREAM_REPLICAS": "3",
		"AUTH_ISSUER":          c.IssuerURL(),
		"AUTH_JWKS_URL":        c.IssuerURL() + "/.well-known/jwks.json",
		"LOG_LEVEL":            "info",
		"OTEL_SERVICE_NAME":    svc,
	}
	c.serviceTLSEnv(svc, env)
	switch svc {
	case "candidate":
		// No SMTP server here: the notifications are .eml files.
		env["MAIL_PICKUP_DIR"] = filepath.Join(c.opts.DataDir, "mail", "outgoing")
	case "portfolio":
		env["BLOB_URL"] = c.BlobURL()
		if c.ownS3() {
			// The keys are made at the first start (s3Keys): reading them
			// cannot fail once startS3 has run.
			_ = c.s3Env(env)
			break
		}
		// Another store's s3:// BLOB_URL authenticates with the launcher's
		// credentials.
		for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"} {
			if v := os.Getenv(k); v != "" {
				env[k] = v
			}
		}
	case "certification":
		env["REFERENTIELS_DIR"] = filepath.Join(c.opts.Root, "referentiels")
		env["CERTIFICATE_KEY_FILE"] = filepath.Join(c.opts.DataDir, "certification", "certificate-ed25519.pem")
		env["CERTIFICATE_RETIRED_KEYS_FILE"] = filepath.Join(c.opts.DataDir, "certification", "certificate-keys-retired.json")
		env["PUBLIC_URL"] = c.GatewayURL() // the parchments' QR codes open its /verifier page
		// The certifier's identifiers at the Caisse des dépôts (R56) are
		// the operator's: passed on as the launcher has them.
		// So is the appeal time limit (R61).
		for _, k := range []string{"CPF_EMITTER_CLIENT_ID", "CPF_CERTIFIER_CLIENT_ID", "CPF_CONTRACT_ID", "CPF_DEPOSITOR",
			"APPEAL_DEADLINE_MONTHS"} {
			if v := os.Getenv(k); v != "" {
				env[k] = v
			}
		}
	}
	return env
}

func (c *Cluster) serviceProcess(svc string, replica int) *Process {
	return c.newProcess(c.ProcessName(svc, replica), c.bin(svc), nil, c.serviceEnv(svc, replica))
}

// ServiceAddr is what the gateway dials for svc: its replicas'
// addresses, comma-separated (balanced round robin).
func (c *Cluster) ServiceAddr(svc string) string {
	var addrs []string
	for r := 1; r <= c.ReplicaCount(svc); r++ {
		addrs = append(addrs, fmt.Sprintf("127.0.0.1:%d", c.ports.GRPC(svc, r)))
	}
	return strings.Join(addrs, ",")
}

func (c *Cluster) gatewayProcess() *Process {
	env := map[string]string{
		"HTTP_ADDR":                  fmt.Sprintf("127.0.0.1:%d", c.ports.Gateway),
		"CANDIDATE_SERVICE_ADDR":     c.ServiceAddr("candidate"),
		"PORTFOLIO_SERVICE_ADDR":     c.ServiceAddr("portfolio"),
		"ASSESSMENT_SERVICE_ADDR":    c.ServiceAddr("assessment"),
		"CERTIFICATION_SERVICE_ADDR": c.ServiceAddr("certification"),
		"SHUTDOWN_TIMEOUT":           "5s",
		"OIDC_ISSUER":                c.IssuerURL(),
		"PUBLIC_URL":                 c.GatewayURL(),
		"WEB_COOKIE_KEY_FILE":        filepath.Join(c.opts.DataDir, "gateway", "cookie.key"),
		"OTEL_SERVICE_NAME":          "gateway",
	}
	c.gatewayTLSEnv(env)
	return c.newProcess("gateway", c.bin("gateway"), nil, env)
}

// schemaURL is the database URL of svc: its own schema (search_path).
func (c *Cluster) schemaURL(svc string) string {
	u, err := url.Parse(c.databaseURL())
	if err != nil {
		return c.databaseURL() // checked in createSchemas
	}
	q := u.Query()
	q.Set("search_path", svc)
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// databaseURL is Options.DatabaseURL or the own instance's.
func (c *Cluster) databaseURL() string {
	if c.opts.DatabaseURL != "" {
		return c.opts.DatabaseURL
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/titrepro?sslmode=disable", c.ports.Postgres)
}

// DatabaseURL is the database the services' schemas are in.
func (c *Cluster) DatabaseURL() string { return c.databaseURL() }

func (c *Cluster) seedFile(identity string) string {
	return filepath.Join(c.opts.DataDir, "nkeys", identity+".nk")
}

// writeSeeds writes each identity's nkey seed to its 0600 file, for the
// services' NATS_NKEY_SEED_FILE and the operator's nats CLI (admin).
func (c *Cluster) writeSeeds() error {
	for _, name := range natsauth.Names() {
		seed, err := c.creds.Seed(name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(c.seedFile(name), []byte(seed+"\n"), 0o600); err != nil {
			return err
		}
	}
	return nil
}
