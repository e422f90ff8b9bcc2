package deploy

import (
	"context"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

const composeFile = "compose/compose.yaml"

// loadCompose loads compose.yaml as `docker compose` does (the loader
// validates it against the Compose JSON schema and checks its
// consistency), with an empty host environment so that the defaults of
// its ${VAR:-default} apply, and without reading the env_file secrets that
// secrets.sh writes.
func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{composeFile},
		cli.WithWorkingDirectory(filepath.Dir(composeFile)),
		cli.WithEnv(nil),
		cli.WithLoadOptions(func(o *loader.Options) { o.SkipResolveEnvironment = true }),
	)
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", composeFile, err)
	}
	return p
}

// titreproServices are the compose services built from the Dockerfile, with
// the target (program) each runs.
func titreproServices(t *testing.T, p *types.Project) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, s := range p.Services {
		if s.Build == nil {
			if strings.HasPrefix(s.Image, "titrepro/") {
				t.Errorf("%s: image %s without a build section", name, s.Image)
			}
			continue
		}
		if !strings.HasSuffix(filepath.ToSlash(s.Build.Dockerfile), dockerfilePath) {
			t.Errorf("%s: built from %s, want deploy/%s", name, s.Build.Dockerfile, dockerfilePath)
		}
		if _, ok := programs[s.Build.Target]; !ok {
			t.Errorf("%s: build target %q is not a Dockerfile target", name, s.Build.Target)
		}
		if want := "titrepro/" + s.Build.Target + ":"; !strings.HasPrefix(s.Image, want) {
			t.Errorf("%s: image %q, want %s<tag>", name, s.Image, want)
		}
		out[name] = s.Build.Target
	}
	return out
}

// TestComposeTopology: the distributed topology of issue 9, each titrepro
// container built from the Dockerfile and configured only with variables
// its program reads.
func TestComposeTopology(t *testing.T) {
	p := loadCompose(t)
	services := titreproServices(t, p)
	for _, program := range []string{"gateway", "candidate", "portfolio", "assessment", "certification"} {
		if services[program] != program {
			t.Errorf("no %s service running the %s image", program, program)
		}
	}
	if services["issuer"] != "titrepro" || !slices.Equal([]string(p.Services["issuer"].Command), []string{"issuer", "--addr", ":8081"}) {
		t.Errorf("issuer: want the titrepro image running `issuer --addr :8081`, got %v %v", services["issuer"], p.Services["issuer"].Command)
	}
	assessment := p.Services["assessment"]
	if n := assessment.GetScale(); n != 2 {
		t.Errorf("assessment: %d replicas, want 2", n)
	}
	var nats []string
	for name, s := range p.Services {
		if strings.HasPrefix(s.Image, "nats:") {
			nats = append(nats, name)
		}
		if strings.Contains(s.Image, "minio") {
			t.Errorf("%s: %s is AGPL; the S3 server is VersityGW", name, s.Image)
		}
	}
	if len(nats) != 3 {
		t.Errorf("NATS nodes: %v, want a cluster of 3", nats)
	}
	if !strings.HasPrefix(p.Services["s3"].Image, "versity/versitygw") {
		t.Errorf("s3: image %q, want versity/versitygw", p.Services["s3"].Image)
	}

	for name, program := range services {
		s := p.Services[name]
		var env []string
		for k := range s.Environment {
			env = append(env, k)
		}
		slices.Sort(env)
		checkProgramEnv(t, composeFile+" "+name, program, env)
		if len(s.EnvFiles) > 0 {
			t.Errorf("%s: env_file hides the variables from this check; set them in environment", name)
		}
	}
}

// secretPath is where a compose secret is mounted in the container.
func secretPath(s types.ServiceSecretConfig) string {
	target := s.Target
	if target == "" {
		target = s.Source
	}
	if path.IsAbs(target) {
		return target
	}
	return "/run/secrets/" + target
}

var runSecret = regexp.MustCompile(`/run/secrets/[A-Za-z0-9_.-]+`)

// TestComposeSecrets: secrets are files, never inline values: every
// /run/secrets/ path a variable names is mounted in that container, every
// secret is a file written by secrets.sh, and no variable carries a
// password.
func TestComposeSecrets(t *testing.T) {
	p := loadCompose(t)
	script, err := os.ReadFile("compose/secrets.sh")
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range p.Secrets {
		rel, err := filepath.Rel(filepath.Join(mustAbs(t, "compose"), "secrets"), s.File)
		if err != nil || strings.HasPrefix(rel, "..") {
			t.Errorf("secret %s: file %s, want one under compose/secrets/ (ignored by git)", name, s.File)
			continue
		}
		// The certificates come from `titrepro dev-certs`; secrets.sh names
		// the other files.
		writer := strings.TrimSuffix(filepath.Base(rel), filepath.Ext(rel))
		if strings.HasPrefix(filepath.ToSlash(rel), "tls/") {
			writer = "titrepro dev-certs"
		}
		if !strings.Contains(string(script), writer) {
			t.Errorf("secret %s: secrets.sh never writes %s", name, rel)
		}
	}
	for name, s := range p.Services {
		var mounted []string
		for _, sec := range s.Secrets {
			if _, ok := p.Secrets[sec.Source]; !ok {
				t.Errorf("%s: secret %s is not declared", name, sec.Source)
			}
			mounted = append(mounted, secretPath(sec))
		}
		for k, v := range s.Environment {
			if v == nil {
				continue
			}
			for _, ref := range runSecret.FindAllString(*v, -1) {
				if !slices.Contains(mounted, ref) {
					t.Errorf("%s: %s names %s, which is not mounted (secrets: %v)", name, k, ref, mounted)
				}
			}
			if u, err := url.Parse(*v); err == nil && u.User != nil {
				if _, has := u.User.Password(); has {
					t.Errorf("%s: %s holds a password inline; use a secret file", name, k)
				}
			}
			if strings.Contains(k, "PASSWORD") && !strings.HasSuffix(k, "_FILE") {
				t.Errorf("%s: %s set inline; use the _FILE variant and a secret", name, k)
			}
		}
	}
	for name, c := range p.Configs {
		if _, err := os.Stat(c.File); err != nil {
			t.Errorf("config %s: %v", name, err)
		}
	}
}

// TestComposeSchemas: each service's DATABASE_URL selects its own schema,
// one the PostgreSQL init script creates.
func TestComposeSchemas(t *testing.T) {
	p := loadCompose(t)
	sql, err := os.ReadFile("compose/postgres-schemas.sql")
	if err != nil {
		t.Fatal(err)
	}
	for name, program := range titreproServices(t, p) {
		v := p.Services[name].Environment["DATABASE_URL"]
		if v == nil {
			continue
		}
		u, err := url.Parse(*v)
		if err != nil {
			t.Errorf("%s: DATABASE_URL: %v", name, err)
			continue
		}
		schema := u.Query().Get("search_path")
		if schema != program {
			t.Errorf("%s: DATABASE_URL search_path %q, want its own schema %q", name, schema, program)
		}
		if !strings.Contains(string(sql), "CREATE SCHEMA IF NOT EXISTS "+schema+" ") {
			t.Errorf("%s: schema %q is not created by postgres-schemas.sql", name, schema)
		}
		if u.Query().Get("passfile") == "" {
			t.Errorf("%s: DATABASE_URL without passfile: how does it authenticate?", name)
		}
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
