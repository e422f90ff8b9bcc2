package docs

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	// inlineLink matches [text](target) and ![alt](target), with an
	// optional "title"; refLink matches a reference definition [x]: target.
	inlineLink = regexp.MustCompile(`!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	refLink    = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$`)
	htmlLink   = regexp.MustCompile(`(?i)(?:href|src)\s*=\s*"([^"]+)"`)
	inlineCode = regexp.MustCompile("`[^`]*`")
	scheme     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// outside names documents that live outside the repository: the
// documentation must not send readers to them, linked or not.
var outside = []string{"shared/docs", "/work/", "domain.md", "reliability doc", "house-style"}

// TestDocsStayInTheRepository fails when README.md or a Markdown file under
// docs/ links outside the repository (a URL, an absolute path, a ../ that
// climbs above the root), links to a file that does not exist, or mentions
// a document that is not in the repository. Fenced code blocks and inline
// code are not links. The message lists every offending link with its file
// and line.
func TestDocsStayInTheRepository(t *testing.T) {
	root := repoRoot(t)
	files := []string{"README.md"}
	walkRepo(t, root, ".md", func(rel string) {
		if strings.HasPrefix(rel, "docs/") {
			files = append(files, rel)
		}
	})
	var problems []string
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		problems = append(problems, checkLinks(root, rel, string(data))...)
	}
	if len(problems) > 0 {
		t.Errorf("documentation leaves the repository or links to missing files (%d problems):\n  %s",
			len(problems), strings.Join(problems, "\n  "))
	}
}

// checkLinks returns the problems of the Markdown document rel.
func checkLinks(root, rel, md string) []string {
	var problems []string
	fenced := false
	for i, line := range strings.Split(md, "\n") {
		at := fmt.Sprintf("%s:%d", rel, i+1)
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		for _, o := range outside {
			if strings.Contains(line, o) {
				problems = append(problems, fmt.Sprintf("%s: mentions %q, which is not in the repository", at, o))
			}
		}
		text := inlineCode.ReplaceAllString(line, "")
		var targets []string
		for _, re := range []*regexp.Regexp{inlineLink, refLink, htmlLink} {
			for _, m := range re.FindAllStringSubmatch(text, -1) {
				targets = append(targets, m[1])
			}
		}
		for _, target := range targets {
			if p := checkTarget(root, rel, target); p != "" {
				problems = append(problems, fmt.Sprintf("%s: %s: %s", at, target, p))
			}
		}
	}
	return problems
}

// checkTarget returns why target, linked from the document rel, is not a
// file or folder of the repository, or "" when it is.
func checkTarget(root, rel, target string) string {
	switch {
	case strings.HasPrefix(target, "#"):
		return "" // an anchor of the same document
	case scheme.MatchString(target) || strings.HasPrefix(target, "//"):
		return "links outside the repository"
	case strings.HasPrefix(target, "/"):
		return "absolute path: link relative to the document instead"
	}
	p := target
	if i := strings.IndexAny(p, "#?"); i >= 0 {
		p = p[:i]
	}
	resolved := path.Clean(path.Join(path.Dir(rel), p))
	if resolved == ".." || strings.HasPrefix(resolved, "../") {
		return "leaves the repository"
	}
	if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(resolved))); err != nil {
		return "no such file in the repository (" + resolved + ")"
	}
	return ""
}
