package docs

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The catalogue's shape, as rules.md documents it: one heading per rule
// ("### R16 — ..."), then paragraphs starting "Enforced in:" and "Tests:"
// whose code spans name functions (path/to/pkg.Func, pkg.Type.Method,
// pkg.(*Type).Method), test files (path/x_test.go) and the test functions
// of the file named before them.
var (
	ruleHeading = regexp.MustCompile(`^#{2,4} R(\d+)\b`)
	codeSpan    = regexp.MustCompile("`([^`]+)`")
	testName    = regexp.MustCompile(`^(Test|Benchmark|Fuzz|Example)[A-Za-z0-9_]*$`)
	testFunc    = regexp.MustCompile(`(?m)^func ((?:Test|Benchmark|Fuzz|Example)[A-Za-z0-9_]*)\(`)
	identifier  = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*$`)
	statusLine  = regexp.MustCompile(`^Status: (enforced|partly|not yet)\b`)
	overviewRow = regexp.MustCompile(`^\| (enforced|partly|not yet) \| (.*) \|$`)
	ruleRange   = regexp.MustCompile(`^R(\d+)(?:[–-]R(\d+))?$`)
)

const firstRule, lastRule = 1, 64

// TestRulesCatalogue fails when docs/rules.md has no section for a rule
// R1–R64, a section without a status or with another status than the
// overview table's, or cites a test, test file, package or function that
// does not exist. The message lists every problem, one per line.
func TestRulesCatalogue(t *testing.T) {
	root := repoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "docs", "rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	tests := testIndex(t, root)
	overview, problems := overviewStatuses(string(data))
	seen := map[int]int{}
	for _, s := range ruleSections(string(data)) {
		seen[s.rule]++
		switch {
		case s.status == "":
			problems = append(problems, fmt.Sprintf("R%d: no \"Status: enforced|partly|not yet\" line", s.rule))
		case overview[s.rule] == "":
			problems = append(problems, fmt.Sprintf("R%d: status %q, but the overview table does not list it", s.rule, s.status))
		case overview[s.rule] != s.status:
			problems = append(problems, fmt.Sprintf("R%d: status %q, but the overview table says %q", s.rule, s.status, overview[s.rule]))
		}
		if s.rule < firstRule || s.rule > lastRule {
			problems = append(problems, fmt.Sprintf("R%d: not a rule of the regulation (R%d–R%d)", s.rule, firstRule, lastRule))
		}
		problems = append(problems, checkTests(root, s, tests)...)
		problems = append(problems, checkFuncs(root, s)...)
	}
	for r := firstRule; r <= lastRule; r++ {
		switch seen[r] {
		case 0:
			problems = append(problems, fmt.Sprintf("R%d: no section (want a heading \"### R%d — ...\")", r, r))
		case 1:
		default:
			problems = append(problems, fmt.Sprintf("R%d: %d sections; want one", r, seen[r]))
		}
	}
	if len(problems) > 0 {
		t.Errorf("docs/rules.md is out of date (%d problems):\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
}

// section is one rule's part of the catalogue.
type section struct {
	rule     int
	status   string   // enforced, partly or not yet
	enforced []string // code spans of the "Enforced in:" paragraph
	tests    []string // code spans of the "Tests:" paragraph, in order
}

// ruleSections splits the catalogue at its rule headings and reads each
// section's labelled paragraphs (a paragraph ends at a blank line or
// heading).
func ruleSections(md string) []section {
	var out []section
	var cur *section
	var into *[]string
	for _, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(line)
		if m := ruleHeading.FindStringSubmatch(trimmed); m != nil {
			n, _ := strconv.Atoi(m[1])
			out = append(out, section{rule: n})
			cur, into = &out[len(out)-1], nil
			continue
		}
		if strings.HasPrefix(trimmed, "#") {
			cur, into = nil, nil
			continue
		}
		if cur == nil {
			continue
		}
		if m := statusLine.FindStringSubmatch(trimmed); m != nil && cur.status == "" {
			cur.status = m[1]
		}
		switch {
		case trimmed == "":
			into = nil
		case strings.HasPrefix(trimmed, "Enforced in:"):
			into = &cur.enforced
		case strings.HasPrefix(trimmed, "Tests:"):
			into = &cur.tests
		}
		if into != nil {
			for _, m := range codeSpan.FindAllStringSubmatch(trimmed, -1) {
				*into = append(*into, m[1])
			}
		}
	}
	return out
}

// overviewStatuses reads the overview table ("| partly | R2, R18, R26–R33 |")
// into the status of each rule it lists.
func overviewStatuses(md string) (map[int]string, []string) {
	status := map[int]string{}
	var problems []string
	for _, line := range strings.Split(md, "\n") {
		m := overviewRow.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		for _, item := range strings.Split(m[2], ",") {
			r := ruleRange.FindStringSubmatch(strings.TrimSpace(item))
			if r == nil {
				problems = append(problems, fmt.Sprintf("overview: %q is not a rule or a range of rules", strings.TrimSpace(item)))
				continue
			}
			from, _ := strconv.Atoi(r[1])
			to := from
			if r[2] != "" {
				to, _ = strconv.Atoi(r[2])
			}
			for n := from; n <= to; n++ {
				if status[n] != "" {
					problems = append(problems, fmt.Sprintf("overview: R%d is listed as %s and %s", n, status[n], m[1]))
				}
				status[n] = m[1]
			}
		}
	}
	return status, problems
}

// testIndex maps each test function name to the test files declaring it.
func testIndex(t *testing.T, root string) map[string][]string {
	t.Helper()
	idx := map[string][]string{}
	walkRepo(t, root, "_test.go", func(rel string) {
		src, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range testFunc.FindAllStringSubmatch(string(src), -1) {
			idx[m[1]] = append(idx[m[1]], rel)
		}
	})
	return idx
}

// checkTests checks each cited test against the test file named before it
// (or any test file when none is).
func checkTests(root string, s section, tests map[string][]string) []string {
	var problems []string
	file := ""
	for _, span := range s.tests {
		switch {
		case strings.HasSuffix(span, "_test.go"):
			file = span
			if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(file))); err != nil {
				problems = append(problems, fmt.Sprintf("R%d: test file %s does not exist", s.rule, file))
			}
		case testName.MatchString(span):
			where := tests[span]
			switch {
			case len(where) == 0:
				problems = append(problems, fmt.Sprintf("R%d: test %s does not exist in any *_test.go", s.rule, span))
			case file != "" && !slices.Contains(where, file):
				problems = append(problems, fmt.Sprintf("R%d: test %s is not in %s (found in %s)", s.rule, span, file, strings.Join(where, ", ")))
			}
		}
	}
	return problems
}

// checkFuncs checks each cited path/to/pkg.Name: the package folder exists
// and one of its non-test files declares a function or method Name. A span
// naming a folder alone (path/to/pkg) only needs the folder.
func checkFuncs(root string, s section) []string {
	var problems []string
	for _, span := range s.enforced {
		slash := strings.LastIndex(span, "/")
		if slash < 0 || strings.ContainsAny(span, " ") {
			continue // not a code location
		}
		dir, name := span, ""
		if dot := strings.Index(span[slash:], "."); dot >= 0 {
			dir = span[:slash+dot]
			name = identifier.FindString(strings.TrimRight(span[slash+dot:], "()"))
		}
		files, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(dir), "*.go"))
		files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, "_test.go") })
		if len(files) == 0 {
			problems = append(problems, fmt.Sprintf("R%d: package %s does not exist", s.rule, dir))
			continue
		}
		if name == "" {
			continue
		}
		decl := regexp.MustCompile(`(?m)^func (\([^)]*\) )?` + regexp.QuoteMeta(name) + `[\[(]`)
		if !slices.ContainsFunc(files, func(f string) bool {
			src, err := os.ReadFile(f)
			return err == nil && decl.Match(src)
		}) {
			problems = append(problems, fmt.Sprintf("R%d: %s: no function or method %s in %s", s.rule, span, name, dir))
		}
	}
	return problems
}
