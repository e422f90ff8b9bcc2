package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Keys for Press.
const (
	KeyTab   = kb.Tab
	KeyEnter = kb.Enter
)

// Tab is one browser tab of a test. Its methods fail the test on error.
type Tab struct {
	t   testing.TB
	b   *Browser
	ctx context.Context

	mu       sync.Mutex
	problems []string // failed resources, console errors since the last Check
}

// NewTab opens a tab at the first viewport, recording the problems of its
// pages (failed subresources, scripts or styles the page's policy blocked,
// console errors and uncaught exceptions).
func (b *Browser) NewTab(t testing.TB) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	return b.tab(t, ctx)
}

// tab makes a Tab of the chromedp context ctx, before its first use.
func (b *Browser) tab(t testing.TB, ctx context.Context) *Tab {
	t.Helper()
	p := &Tab{t: t, b: b, ctx: ctx}
	if err := chromedp.Listen(ctx, p.record); err != nil {
		t.Fatalf("browser: %v", err)
	}
	p.do(chromedp.EmulateViewport(Viewports[0].Width, Viewports[0].Height))
	return p
}

// record is called for every event of the tab: it must return fast.
func (p *Tab) record(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *network.EventResponseReceived:
		// A page may answer 4xx on purpose (the 404 page); its resources not.
		if ev.Type != network.ResourceTypeDocument && ev.Response != nil && ev.Response.Status >= 400 {
			problem = fmt.Sprintf("%s %s answered %d", ev.Type, ev.Response.URL, ev.Response.Status)
		}
	case *network.EventLoadingFailed:
		if ev.BlockedReason != "" || (!ev.Canceled && ev.Type != network.ResourceTypeDocument) {
			problem = fmt.Sprintf("%s failed to load: %s %s", ev.Type, ev.ErrorText, ev.BlockedReason)
		}
	case *log.EventEntryAdded:
		// HTTP errors are judged above, by the kind of resource: a page may
		// answer 404 or 503 on purpose.
		if ev.Entry != nil && ev.Entry.Level == log.EntryLevelError && ev.Entry.Source != log.EntrySourceNetwork {
			problem = fmt.Sprintf("browser log: %s (%s)", ev.Entry.Text, ev.Entry.URL)
		}
	case *runtime.EventExceptionThrown:
		if ev.ExceptionDetails != nil {
			problem = "uncaught exception: " + ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				problem += " " + ev.ExceptionDetails.Exception.Description
			}
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			problem = "console.error called"
		}
	}
	if problem != "" {
		p.mu.Lock()
		p.problems = append(p.problems, problem)
		p.mu.Unlock()
	}
}

// do runs actions with the step timeout.
func (p *Tab) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("browser: %v", err)
	}
}

// Context is the tab's chromedp context, for steps the helpers lack.
func (p *Tab) Context() context.Context { return p.ctx }

// Open loads url and returns the HTTP status of the page.
func (p *Tab) Open(url string) int64 {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		p.t.Fatalf("browser: open %s: %v", url, err)
	}
	if resp == nil { // the same page with another fragment: nothing was loaded
		p.t.Fatalf("browser: open %s: no page loaded (only the fragment changed)", url)
	}
	return resp.Status
}

// Eval evaluates a JavaScript expression in the page and decodes its value
// into out (nil: ignore it). A promise is awaited.
func (p *Tab) Eval(expr string, out any) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("browser: evaluate %.80q: %v", expr, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			p.t.Fatalf("browser: decode the value of %.80q: %v", expr, err)
		}
	}
}

// String evaluates a JavaScript expression that gives a string.
func (p *Tab) String(expr string) string {
	p.t.Helper()
	var s string
	p.Eval(expr, &s)
	return s
}

// URL is the address of the page.
func (p *Tab) URL() string { return p.String("location.href") }

// Title is the page's <title>.
func (p *Tab) Title() string { return p.String("document.title") }

// MainText is the visible text of the page's <main>.
func (p *Tab) MainText() string {
	return p.String(`(document.querySelector("main") || document.body).innerText`)
}

// Has reports whether an element matches the CSS selector.
func (p *Tab) Has(selector string) bool {
	p.t.Helper()
	var ok bool
	p.Eval(fmt.Sprintf("document.querySelector(%s) !== null", jsString(selector)), &ok)
	return ok
}

// mark finds an element as a person does and gives it data-browsertest,
// so that chromedp can act on it: kind "label" finds the form control of
// the label whose own text (hints aside) is text, or that starts with text;
// kind "action" finds the visible button or link whose text is text.
const markScript = `((kind, text) => {
  const norm = s => (s || "").replace(/\s+/g, " ").trim();
  const visible = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
  document.querySelectorAll("[data-browsertest]").forEach(e => e.removeAttribute("data-browsertest"));
  let el = null;
  if (kind === "label") {
    const own = l => norm(Array.from(l.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join(" "));
    const labels = Array.from(document.querySelectorAll("label"));
    const l = labels.find(l => own(l) === text) || labels.find(l => norm(l.textContent).startsWith(text));
    el = l && (l.control || document.getElementById(l.htmlFor));
  } else {
    el = Array.from(document.querySelectorAll("button, a[href], input[type=submit]"))
      .filter(visible).find(e => norm(e.innerText || e.value) === text);
  }
  if (!el) return false;
  el.setAttribute("data-browsertest", "");
  return true;
})(%s, %s)`

const marked = chromedp.CSS("[data-browsertest]")

func (p *Tab) mark(kind, text string) {
	p.t.Helper()
	var ok bool
	p.Eval(fmt.Sprintf(markScript, jsString(kind), jsString(text)), &ok)
	if !ok {
		what := "no field labelled"
		if kind != "label" {
			what = "no visible button or link"
		}
		p.t.Fatalf("browser: %s %q on %s", what, text, p.URL())
	}
}

// Fill types value into the field labelled label, replacing its content.
func (p *Tab) Fill(label, value string) {
	p.t.Helper()
	p.mark("label", label)
	p.Eval(`(() => { const e = document.querySelector("[data-browsertest]"); e.value = ""; e.dispatchEvent(new Event("input", {bubbles: true})); })()`, nil)
	p.do(chromedp.SendKeys(marked, value))
}

// Choose clicks the radio button or checkbox labelled label.
func (p *Tab) Choose(label string) {
	p.t.Helper()
	p.mark("label", label)
	p.do(chromedp.Click(marked))
}

// ClickCSS clicks the first element matching the CSS selector (for
// controls a person finds by something else than text, e.g. an icon).
func (p *Tab) ClickCSS(selector string) {
	p.t.Helper()
	p.do(chromedp.Click(chromedp.CSS(selector)))
}

// Click clicks the visible button or link whose text is text, without
// waiting for anything.
func (p *Tab) Click(text string) {
	p.t.Helper()
	p.mark("action", text)
	p.do(chromedp.Click(marked))
}

// Follow clicks the visible button or link whose text is text, waits for
// the page it leads to (after any redirects) and returns its HTTP status.
func (p *Tab) Follow(text string) int64 {
	p.t.Helper()
	p.mark("action", text)
	return p.navigateBy(chromedp.Click(marked))
}

// Press sends keys to the focused element (KeyTab, KeyEnter, text).
func (p *Tab) Press(keys string) {
	p.t.Helper()
	p.do(chromedp.KeyEvent(keys))
}

// PressAndFollow sends keys that make the page navigate (Enter on a link or
// in a form) and waits for the next page; it returns its HTTP status.
func (p *Tab) PressAndFollow(keys string) int64 {
	p.t.Helper()
	return p.navigateBy(chromedp.KeyEvent(keys))
}

func (p *Tab) navigateBy(a chromedp.Action[chromedp.Void]) int64 {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, a)
	if err != nil {
		p.t.Fatalf("browser: waiting for the next page after %s: %v", p.URL(), err)
	}
	return resp.Status
}

// Focus describes the focused element.
type Focus struct {
	Tag, ID, Text, Href string
	// Outline tells whether the element shows a focus ring: an outline or
	// a box shadow, on the element or its ::before, as the design system
	// draws them.
	Outline bool
}

// Focused returns the focused element.
func (p *Tab) Focused() Focus {
	p.t.Helper()
	var f Focus
	p.Eval(`(() => {
  const e = document.activeElement;
  if (!e) return {};
  const drawn = s => (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== "none");
  // The design system draws the ring of an enlarged link on its ::before.
  const ring = drawn(getComputedStyle(e)) || drawn(getComputedStyle(e, "::before"));
  return {Tag: e.tagName.toLowerCase(), ID: e.id || "", Text: (e.innerText || e.value || "").replace(/\s+/g, " ").trim(), Href: e.getAttribute("href") || "", Outline: ring};
})()`, &f)
	return f
}

// Check records the screen name: screenshots at every viewport, axe-core
// at every viewport (a serious or critical violation fails the test), and
// no problem (failed resource, console error) since the last Check.
func (p *Tab) Check(name string) {
	p.t.Helper()
	// Let the design system's script finish what it does on load.
	p.do(chromedp.Poll[chromedp.Void](`document.readyState === "complete"`))
	for _, v := range Viewports {
		p.do(chromedp.EmulateViewport(v.Width, v.Height))
		p.screenshot(name, v)
		p.axe(name, v)
	}
	p.do(chromedp.EmulateViewport(Viewports[0].Width, Viewports[0].Height))
	// The design system's script answers the resize (its menu, its tables'
	// shadows) on the next frames: let it finish, so that the next click
	// lands where the page has settled.
	p.Eval(`new Promise(ok => requestAnimationFrame(() => requestAnimationFrame(() => ok(true))))`, nil)
	p.mu.Lock()
	problems := p.problems
	p.problems = nil
	p.mu.Unlock()
	for _, pb := range problems {
		p.t.Errorf("%s: %s", name, pb)
	}
}

func (p *Tab) screenshot(name string, v Viewport) {
	p.t.Helper()
	dir, err := screenshotDir()
	if err != nil {
		p.t.Fatalf("screenshots: %v", err)
	}
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(dir, fileName(p.t.Name())+"--"+fileName(name)+"--"+v.String()+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
}

// Violation is an axe-core result, as much of it as a failure message needs.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// Violations runs axe-core on the page as it is (every rule: WCAG 2.x A
// and AA, and the best practices) and returns what it found.
func (p *Tab) Violations() []Violation {
	p.t.Helper()
	var loaded bool
	p.Eval(`typeof window.axe !== "undefined"`, &loaded)
	if !loaded {
		p.Eval("(() => {"+p.b.axe+"\n})(); true", nil)
	}
	var violations []Violation
	p.Eval(`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, failureSummary: n.failureSummary}))})))`, &violations)
	return violations
}

// axe fails the test on the serious or critical violations of the page,
// and logs the lesser ones.
func (p *Tab) axe(name string, v Viewport) {
	p.t.Helper()
	for _, vi := range p.Violations() {
		var where []string
		for _, n := range vi.Nodes {
			where = append(where, fmt.Sprint(n.Target))
		}
		msg := fmt.Sprintf("%s at %s: axe %s (%s): %s — %s", name, v, vi.ID, vi.Impact, vi.Help, strings.Join(where, ", "))
		if vi.Impact == "serious" || vi.Impact == "critical" {
			p.t.Error(msg)
		} else {
			p.t.Log(msg)
		}
	}
}

// TransferredBytes is what the page and everything it loaded took on the
// network (headers included), by the browser's resource timing.
func (p *Tab) TransferredBytes() int64 {
	p.t.Helper()
	var n int64
	p.Eval(`performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
  .reduce((sum, e) => sum + (e.transferSize || 0), 0)`, &n)
	return n
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
