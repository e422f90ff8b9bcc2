package docs

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// buildRecipe matches the command of the Makefile's build target.
var buildRecipe = regexp.MustCompile(`(?m)^build:.*\n\t(go build [^\n]+)`)

// TestMakeBuildBuildsEveryBinary fails when `make build` leaves out a
// program of the repository (a cmd/<name>/main.go): every service, the
// gateway and the all-in-one must come out of it, since deploy/README.md
// runs them from bin/.
func TestMakeBuildBuildsEveryBinary(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := buildRecipe.FindSubmatch(makefile)
	if m == nil {
		t.Fatal("Makefile: no build target with a go build command")
	}
	built := map[string]bool{}
	for _, arg := range strings.Fields(string(m[1])) {
		built[strings.TrimPrefix(arg, "./")] = true
	}
	var programs int
	walkRepo(t, root, "main.go", func(rel string) {
		dir := path.Dir(rel)
		if path.Base(rel) != "main.go" || path.Base(path.Dir(dir)) != "cmd" || strings.HasPrefix(rel, "tools/") {
			return
		}
		programs++
		if !built[dir] {
			t.Errorf("make build does not build ./%s", dir)
		}
	})
	if programs < 6 {
		t.Errorf("found %d programs (cmd/<name>/main.go); the repository has at least six", programs)
	}
}
