package deploy

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// The build context of deploy/docker/Dockerfile is the repository root.
const (
	dockerfilePath = "docker/Dockerfile"
	contextDir     = ".."
	buildStage     = "build"
)

// programs are the Dockerfile's image targets and the main package each
// one runs.
var programs = map[string]string{
	"titrepro":      "./cmd/titrepro",
	"gateway":       "./gateway/cmd/gateway",
	"candidate":     "./services/candidate/cmd/candidate",
	"portfolio":     "./services/portfolio/cmd/portfolio",
	"assessment":    "./services/assessment/cmd/assessment",
	"certification": "./services/certification/cmd/certification",
}

// parseDockerfile returns the Dockerfile's stages, parsed as BuildKit does.
func parseDockerfile(t *testing.T) []instructions.Stage {
	t.Helper()
	f, err := os.Open(dockerfilePath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", dockerfilePath, err)
	}
	for _, w := range res.Warnings {
		t.Errorf("%s: %s", dockerfilePath, w.Short)
	}
	stages, _, err := instructions.Parse(res.AST, nil)
	if err != nil {
		t.Fatalf("%s: %v", dockerfilePath, err)
	}
	return stages
}

func stageNamed(stages []instructions.Stage, name string) *instructions.Stage {
	for i := range stages {
		if stages[i].Name == name {
			return &stages[i]
		}
	}
	return nil
}

// TestDockerfileHasOneNonRootImagePerProgram: a target per program, each a
// distroless image running the program as nonroot, built by a separate Go
// stage without cgo.
func TestDockerfileHasOneNonRootImagePerProgram(t *testing.T) {
	stages := parseDockerfile(t)
	build := stageNamed(stages, buildStage)
	if build == nil || !strings.HasPrefix(build.BaseName, "golang:1.26") {
		t.Fatalf("want a %q stage FROM golang:1.26, got %+v", buildStage, build)
	}
	var targets []string
	for _, s := range stages {
		if s.Name != buildStage {
			targets = append(targets, s.Name)
		}
	}
	var want []string
	for p := range programs {
		want = append(want, p)
	}
	slices.Sort(targets)
	slices.Sort(want)
	if !slices.Equal(targets, want) {
		t.Errorf("image targets: got %v, want one per program %v", targets, want)
	}
	if last := stages[len(stages)-1].Name; last != "titrepro" {
		t.Errorf("last stage (a plain docker build) is %q, want the all-in-one", last)
	}

	var buildEnv []string
	var buildRuns string
	for _, c := range build.Commands {
		switch c := c.(type) {
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				buildEnv = append(buildEnv, kv.Key+"="+kv.Value)
			}
		case *instructions.RunCommand:
			buildRuns += strings.Join(c.CmdLine, " ") + "\n"
		}
	}
	if !slices.Contains(buildEnv, "CGO_ENABLED=0") {
		t.Errorf("build stage: CGO_ENABLED=0 missing (the SQLite driver is pure Go; the images have no libc): %v", buildEnv)
	}

	for name, pkg := range programs {
		if !strings.Contains(buildRuns, pkg+" ") && !strings.Contains(buildRuns, pkg+"\n") {
			t.Errorf("build stage: %s is not built (go build ... %s)", name, pkg)
		}
		if _, err := os.Stat(filepath.Join(contextDir, pkg, "main.go")); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		s := stageNamed(stages, name)
		if s == nil {
			continue
		}
		if !strings.HasPrefix(s.BaseName, "gcr.io/distroless/static") || !strings.HasSuffix(s.BaseName, ":nonroot") {
			t.Errorf("%s: FROM %s, want gcr.io/distroless/static…:nonroot (static binaries, no shell)", name, s.BaseName)
		}
		user, entrypoint, copied := "", "", false
		var env []string
		for _, c := range s.Commands {
			switch c := c.(type) {
			case *instructions.UserCommand:
				user = c.User
			case *instructions.EntrypointCommand:
				entrypoint = strings.Join(c.CmdLine, " ")
				if c.PrependShell {
					t.Errorf("%s: ENTRYPOINT in shell form; the image has no shell", name)
				}
			case *instructions.CopyCommand:
				if c.From == buildStage && slices.Contains(c.SourcePaths, "/out/bin/"+name) {
					copied = true
				}
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					env = append(env, kv.Key)
				}
			}
		}
		if u, _, _ := strings.Cut(user, ":"); u != "nonroot" && u != "65532" {
			t.Errorf("%s: USER %q, want nonroot", name, user)
		}
		if !copied {
			t.Errorf("%s: no COPY --from=%s /out/bin/%s", name, buildStage, name)
		}
		if entrypoint != "/usr/local/bin/"+name {
			t.Errorf("%s: ENTRYPOINT %q, want [\"/usr/local/bin/%s\"]", name, entrypoint, name)
		}
		checkProgramEnv(t, dockerfilePath+" ENV", name, env)
	}
}

// TestDockerfileCopiesWhatExists: every COPY from the context names files
// that exist and that .dockerignore keeps, and the build stage copies the
// go.mod of every module of the workspace.
func TestDockerfileCopiesWhatExists(t *testing.T) {
	ignore := dockerignore(t)
	var copied []string
	for _, s := range parseDockerfile(t) {
		for _, c := range s.Commands {
			c, ok := c.(*instructions.CopyCommand)
			if !ok || c.From != "" {
				continue
			}
			for _, src := range c.SourcePaths {
				matches, err := filepath.Glob(filepath.Join(contextDir, src))
				if err != nil || len(matches) == 0 {
					t.Errorf("%s: COPY %s: no such file in the build context", s.Name, src)
				}
				for _, pattern := range ignore {
					if ignored(pattern, path.Clean(src)) {
						t.Errorf("%s: COPY %s: excluded from the context by .dockerignore %q", s.Name, src, pattern)
					}
				}
				copied = append(copied, path.Clean(src))
			}
		}
	}
	for _, dir := range workspaceModules(t) {
		for _, f := range []string{"go.mod", "go.sum"} {
			if p := path.Join(dir, f); !slices.Contains(copied, p) {
				t.Errorf("go.work uses ./%s but the build stage does not COPY %s", dir, p)
			}
		}
	}
}

// workspaceModules are the folders of go.work's use directives.
func workspaceModules(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(contextDir, "go.work"))
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	inUse := false
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "use (":
			inUse = true
		case inUse && line == ")":
			inUse = false
		case inUse && line != "":
			dirs = append(dirs, path.Clean(line))
		case strings.HasPrefix(line, "use "):
			dirs = append(dirs, path.Clean(strings.TrimPrefix(line, "use ")))
		}
	}
	if len(dirs) == 0 {
		t.Fatal("go.work: no use directive found")
	}
	return dirs
}

func dockerignore(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(contextDir, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "!") {
			patterns = append(patterns, path.Clean(line))
		}
	}
	return patterns
}

// ignored tells whether a .dockerignore pattern excludes p or a folder
// above it (the "**/" prefix matches at any depth).
func ignored(pattern, p string) bool {
	for q := p; q != "." && q != "/"; q = path.Dir(q) {
		if ok, _ := path.Match(pattern, q); ok {
			return true
		}
		if rest, found := strings.CutPrefix(pattern, "**/"); found {
			if ok, _ := path.Match(rest, path.Base(q)); ok {
				return true
			}
		}
	}
	return false
}
