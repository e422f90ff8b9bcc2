package deploy

import (
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// secretValue stands for a variable whose value comes from a Secret: set,
// but unknown to the tests.
const secretValue = "<secret>"

// services are the standalone services among the programs.
var services = []string{"candidate", "portfolio", "assessment", "certification"}

// defaults are the services' defaults that hold in a container too
// (internal/svcrun: metrics on every interface).
var defaults = map[string]string{"METRICS_ADDR": ":9464"}

// imageEnv are the variables the Dockerfile sets in a target's image.
func imageEnv(t *testing.T, target string) map[string]string {
	t.Helper()
	out := map[string]string{}
	if s := stageNamed(parseDockerfile(t), target); s != nil {
		for _, c := range s.Commands {
			if c, ok := c.(*instructions.EnvCommand); ok {
				for _, kv := range c.Env {
					out[kv.Key] = kv.Value
				}
			}
		}
	}
	return out
}

// checkServiceSettings: a standalone service in a container needs what its
// defaults cannot give there: PostgreSQL rather than a SQLite file, the bus
// and its identity, the identity provider, gRPC and metrics listening on
// every interface (the defaults are loopback addresses, unreachable from
// the gateway and the probes), and for the portfolio an S3 bucket rather
// than a folder of the container.
func checkServiceSettings(t *testing.T, where, program string, env map[string]string) {
	t.Helper()
	if !slices.Contains(services, program) {
		return
	}
	image := imageEnv(t, program)
	get := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		if v, ok := image[k]; ok {
			return v
		}
		return defaults[k]
	}
	if v := get("DATABASE_URL"); v != secretValue && !strings.HasPrefix(v, "postgres://") {
		t.Errorf("%s: %s: DATABASE_URL %q, want postgres://…", where, program, v)
	}
	for _, k := range []string{"AUTH_ISSUER", "NATS_URL", "NATS_NKEY_SEED_FILE"} {
		if get(k) == "" {
			t.Errorf("%s: %s: %s is not set", where, program, k)
		}
	}
	for _, k := range []string{"GRPC_ADDR", "METRICS_ADDR"} {
		host, _, err := net.SplitHostPort(get(k))
		if err != nil || (host != "" && host != "0.0.0.0" && host != "::") {
			t.Errorf("%s: %s: %s=%q, want every interface (\":port\")", where, program, k, get(k))
		}
	}
	if program == "portfolio" && !strings.HasPrefix(get("BLOB_URL"), "s3://") {
		t.Errorf("%s: portfolio: BLOB_URL %q, want s3://…", where, get("BLOB_URL"))
	}
	if program == "certification" && get("CERTIFICATE_KEY_FILE") == "" {
		t.Errorf("%s: certification: CERTIFICATE_KEY_FILE is not set (the default is relative to a read-only working folder)", where)
	}
}

func TestComposeServiceSettings(t *testing.T) {
	p := loadCompose(t)
	for name, program := range titreproServices(t, p) {
		env := map[string]string{}
		for k, v := range p.Services[name].Environment {
			if v != nil {
				env[k] = *v
			}
		}
		checkServiceSettings(t, composeFile+" "+name, program, env)
	}
}
