package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// NewPerson opens a tab in a browser context of its own: its own cookies,
// storage and cache, as another person on another computer. A test of
// several people (a candidate, a centre, jurors...) gives each one a
// NewPerson: tabs of one NewTab's browser would share the login cookie,
// and a NewTab each would start a Chromium each. The people of a Browser
// share one Chromium, started by the first of them. (Added with the
// whole workflow's test.)
func (b *Browser) NewPerson(t testing.TB) *Tab {
	t.Helper()
	b.rootOnce.Do(func() {
		ctx, cancel := chromedp.NewContext(b.ctx)
		// The browser lives as long as the test that started it; the
		// people's contexts, closed first (cleanups run last in, first
		// out), close their own tabs.
		t.Cleanup(cancel)
		b.root, b.rootErr = ctx, chromedp.Do(ctx)
	})
	if b.rootErr != nil {
		t.Fatalf("browser: %v", b.rootErr)
	}
	ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	return b.tab(t, ctx)
}
