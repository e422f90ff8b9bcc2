// Package browsertest drives the web application in a real headless
// Chromium (Debian's chromium package, /usr/bin/chromium; never a
// downloaded browser) through chromedp, for the browser tests of
// gateway/web and of the all-in-one (cmd/titrepro).
//
// A test starts a browser, opens a tab, goes through the screens with
// helpers that work as a person does (fill a field by its label, click a
// button by its text, press keys), and calls Check on every screen: a
// screenshot at 1280×800 and at 390×844 into TITREPRO_SCREENSHOTS (a
// temporary folder by default), axe-core at both sizes (a serious or
// critical violation fails the test), and no failed resource, console
// error or blocked script on the page.
//
// Without Chromium the tests are skipped with a loud message, except under
// CI=true, where they fail: CI must run them.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// DefaultChromium is the browser the tests run; TITREPRO_CHROMIUM
// overrides it.
const DefaultChromium = "/usr/bin/chromium"

// Viewports of every screenshot and accessibility check: a laptop and a
// phone.
var Viewports = []Viewport{{1280, 800}, {390, 844}}

// Viewport is a window size in CSS pixels.
type Viewport struct{ Width, Height int64 }

func (v Viewport) String() string { return fmt.Sprintf("%dx%d", v.Width, v.Height) }

// actionTimeout bounds one step of a test (a navigation, a click...).
const actionTimeout = 30 * time.Second

// Browser is one headless Chromium with a fresh profile, stopped when the
// test ends.
type Browser struct {
	ctx context.Context // the allocator's context
	axe string          // axe-core's source

	// The people of a test (NewPerson) share one Chromium, started by
	// the first of them: root is its first tab's context.
	rootOnce sync.Once
	root     context.Context
	rootErr  error
}

// Start starts Chromium for t. It skips t (fails it under CI=true) when
// Chromium is not installed, and fails t when axe-core is not installed
// (npm ci --prefix web, which make test runs).
func Start(t testing.TB) *Browser {
	t.Helper()
	path := os.Getenv("TITREPRO_CHROMIUM")
	if path == "" {
		path = DefaultChromium
	}
	if _, err := exec.LookPath(path); err != nil {
		msg := fmt.Sprintf("BROWSER TESTS NOT RUN: Chromium not found at %s (install the Debian package: apt-get install -y chromium)", path)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI=true requires them")
		}
		warnOnce.Do(func() { fmt.Fprintln(os.Stderr, "\n*** "+msg+" ***") })
		t.Skip(msg)
	}
	axe, err := os.ReadFile(RepoFile(t, "web/node_modules/axe-core/axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core is not installed: run npm ci --prefix web (make test does): %v", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.WindowSize(int(Viewports[0].Width), int(Viewports[0].Height)),
	}
	ctx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	return &Browser{ctx: ctx, axe: string(axe)}
}

var warnOnce sync.Once

// RepoFile returns the path of name, relative to the repository's root,
// found from the test's working folder upwards.
func RepoFile(t testing.TB, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return filepath.Join(dir, name)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("repository root (go.work) not found above the test's folder")
		}
		dir = parent
	}
}

var (
	shotsOnce sync.Once
	shotsDir  string
	shotsErr  error
)

// screenshotDir is TITREPRO_SCREENSHOTS, or one temporary folder for the
// whole test process, announced once.
func screenshotDir() (string, error) {
	shotsOnce.Do(func() {
		shotsDir = os.Getenv("TITREPRO_SCREENSHOTS")
		if shotsDir == "" {
			shotsDir, shotsErr = os.MkdirTemp("", "titrepro-screenshots-")
			if shotsErr == nil {
				fmt.Fprintf(os.Stderr, "browser tests: screenshots in %s (set TITREPRO_SCREENSHOTS to choose)\n", shotsDir)
			}
			return
		}
		shotsErr = os.MkdirAll(shotsDir, 0o755)
	})
	return shotsDir, shotsErr
}

// fileName makes s safe as a file name.
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		default:
			return '_'
		}
	}, s)
}
