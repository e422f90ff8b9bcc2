package web

import (
	"bytes"
	"testing"
)

// Without the vendored font, the served stylesheet names no Marianne file:
// the browser never asks for one (a 404 that the browser tests count as a
// fault, and a wasted request for everyone).
func TestStylesheetAsksForNoMissingFont(t *testing.T) {
	as, err := embeddedAssets()
	if err != nil {
		t.Fatal(err)
	}
	if as.fonts {
		t.Skip("the Marianne font is vendored in this build")
	}
	css := as.files["vendor/dsfr/dsfr.min.css"]
	if css == nil {
		t.Fatal("the design system's stylesheet is not embedded")
	}
	if bytes.Contains(css.body, []byte("url(fonts/")) {
		t.Error("the stylesheet still points at font files")
	}
	if !bytes.Contains(css.body, []byte(".fr-btn")) {
		t.Error("the stylesheet lost more than its font rules")
	}
	if got := withoutMarianne([]byte(`a{}@font-face{font-display:swap;font-family:Marianne;src:url(fonts/M.woff2)}b{}@font-face{font-family:Spectral;src:url(fonts/S.woff2)}@font-face{font-family:X;src:local(Arial)}`)); string(got) != `a{}b{}@font-face{font-family:X;src:local(Arial)}` {
		t.Errorf("withoutMarianne = %s", got)
	}
}
