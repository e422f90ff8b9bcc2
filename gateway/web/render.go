package web

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

//go:embed templates
var templateFS embed.FS

// views are the parsed pages: each file of templates/pages with the layout
// and the partials, parsed once at start (a template error stops New).
type views struct {
	pages map[string]*template.Template
}

func loadViews(as *assets) (*views, error) {
	shared := []string{"templates/layout.html", "templates/partials/*.html"}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		t, err := template.New(name).Funcs(templateFuncs(as)).ParseFS(templateFS, append(shared, f)...)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// Page is what every template gets as its dot: the page's own Data and
// what the layout needs.
type Page struct {
	Title  string   // the page's title, in French: <title> and usually <h1>
	Errors []Field  // the form's errors, shown in a summary above the form
	User   *Session // nil when nobody is signed in
	CSRF   string   // token for the forms of this page ({{template "csrf" $}})
	Nav    []navItem
	Path   string // the request's path, for aria-current
	Fonts  string // "system" or "marianne"
	Data   any    // the page's own data
}

// Field is a form error: the id of the field (its <input id>) and the
// message, shown both in the summary, as a link to the field, and under
// the field.
type Field struct {
	ID      string
	Message string
}

// Current reports whether the navigation entry at path is the page shown
// or one of its sub-pages ("/verifier" for "/verifier/TP-…").
func (p Page) Current(path string) bool {
	return p.Path == path || (path != "/" && strings.HasPrefix(p.Path, path+"/"))
}

// FieldError returns the message of field id in p.Errors, "" if none.
func (p Page) FieldError(id string) string {
	for _, f := range p.Errors {
		if f.ID == id {
			return f.Message
		}
	}
	return ""
}

// render writes page name with status. The title is prefixed with
// "Erreur : " when the page shows form errors (RGAA 8.6: the title tells).
// Pages are never cached: most carry personal data.
func (a *App) render(w http.ResponseWriter, r *http.Request, status int, name string, p Page) {
	t, ok := a.views.pages[name]
	if !ok {
		a.serverError(w, r, fmt.Errorf("web: no template %q", name))
		return
	}
	p.User = SessionOf(r)
	if p.User != nil {
		p.CSRF = csrfToken(p.User.CSRFSecret)
	}
	p.Nav = navigationFor(p.User)
	p.Path = r.URL.Path
	p.Fonts = "system"
	if a.cfg.Marianne {
		p.Fonts = "marianne"
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout", p); err != nil {
		a.log.ErrorContext(r.Context(), "web: render", "page", name, "err", err)
		if name != "error" {
			a.renderError(w, r, http.StatusInternalServerError, errorPage{Title: "Erreur du serveur", Detail: internalErrorDetail})
		}
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	writeCompressed(w, r, status, buf.Bytes())
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression); return w }}

// writeCompressed writes body, gzipped when the client takes it and it is
// worth it (more than a network packet).
func writeCompressed(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	if len(body) < 1400 || !acceptsGzip(r) {
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body)
		return
	}
	h.Set("Content-Encoding", "gzip")
	w.WriteHeader(status)
	gz := gzipPool.Get().(*gzip.Writer)
	gz.Reset(w)
	_, _ = gz.Write(body)
	_ = gz.Close()
	gzipPool.Put(gz)
}

// acceptsGzip reports whether Accept-Encoding lists gzip without q=0.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
