package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// static holds the application's own styles and script (static/css,
// static/js) and the design system files copied by make web-vendor
// (static/vendor/dsfr).
//
//go:embed static
var staticFS embed.FS

// assets serves static/ under /static/<version>/, where version is a hash
// of every file: a URL names one content forever, so browsers keep the
// files a year without asking again, and a new release changes every URL.
// The design system's stylesheet refers to its icons by relative URLs,
// which is why the version is a folder rather than a per-file suffix.
// Compressible files are gzipped once, at start.
type assets struct {
	version string
	files   map[string]*asset
	fonts   bool // the Marianne font is among the files
}

type asset struct {
	body, gz []byte
	ctype    string
}

var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
	".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon",
	".woff2": "font/woff2", ".md": "text/plain; charset=utf-8", "": "text/plain; charset=utf-8",
}

// loadAssets returns the assets; the Marianne font must be among them when
// marianne is set.
func loadAssets(marianne bool) (*assets, error) {
	as, err := embeddedAssets()
	if err != nil {
		return nil, err
	}
	if marianne && !as.fonts {
		return nil, errors.New("web: the Marianne font is switched on but not vendored: run make web-vendor WEB_MARIANNE=1, then rebuild")
	}
	return as, nil
}

// embeddedAssets reads and compresses the embedded files once per process
// (they never change).
var embeddedAssets = sync.OnceValues(func() (*assets, error) {
	as := &assets{files: map[string]*asset{}}
	var names []string
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		names = append(names, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	sum := sha256.New()
	_, statErr := fs.Stat(staticFS, "static/vendor/dsfr/fonts")
	fonts := statErr == nil
	for _, p := range names {
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return nil, err
		}
		name := strings.TrimPrefix(p, "static/")
		if name == "vendor/dsfr/dsfr.min.css" && !fonts {
			body = withoutMarianne(body)
		}
		ctype, ok := contentTypes[path.Ext(name)]
		if !ok {
			ctype = "application/octet-stream"
		}
		a := &asset{body: body, ctype: ctype}
		if compressible(ctype) {
			var buf bytes.Buffer
			gz, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			_, _ = gz.Write(body)
			_ = gz.Close()
			if buf.Len() < len(body) {
				a.gz = buf.Bytes()
			}
		}
		as.files[name] = a
		sum.Write([]byte(name + "\x00" + strconv.Itoa(len(body)) + "\x00"))
		sum.Write(body)
	}
	as.version = hex.EncodeToString(sum.Sum(nil))[:12]
	as.fonts = fonts
	return as, nil
})

// vendoredFace matches the design system's @font-face rules, which point at
// its fonts/ folder (Marianne and Spectral).
var vendoredFace = regexp.MustCompile(`@font-face\{[^}]*url\(fonts/[^}]*\}`)

// withoutMarianne removes the design system's @font-face rules from its
// stylesheet when its fonts are not vendored: a rule left pointing at a
// missing file makes the browser ask for it (a 404) whenever some element
// still names that font; without the rule the name simply falls back to
// the next font of the element's stack.
func withoutMarianne(css []byte) []byte { return vendoredFace.ReplaceAll(css, nil) }

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || ctype == "image/svg+xml" || ctype == "image/x-icon"
}

// URL returns the address of the static file name (relative to static/).
func (as *assets) URL(name string) string { return "/static/" + as.version + "/" + name }

func (as *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, ok := as.files[r.PathValue("path")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Vary", "Accept-Encoding")
	if r.PathValue("version") == as.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// A page of another release (during a rolling update): serve what
		// we have, but let nobody keep it under that name.
		h.Set("Cache-Control", "no-cache")
	}
	body := a.body
	if a.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

// favicon serves the design system's favicon at /favicon.ico, cached a day.
func (as *assets) favicon(w http.ResponseWriter, r *http.Request) {
	a := as.files["vendor/dsfr/favicon/favicon.ico"]
	w.Header().Set("Content-Type", a.ctype)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(a.body)
}
