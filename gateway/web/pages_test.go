package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
)

func TestVerifyPageShowsThePlainVerdict(t *testing.T) {
	t.Parallel()
	backend := newCertBackend()
	_, srv := newTestApp(t, Config{}, startCertBackend(t, backend))
	c := browser(t)
	for _, tc := range []struct {
		number, verdict string
		status          int
		want            []string
	}{
		{validNumber, "valide", 200, []string{"Certificat valide", "Camille Durand", "Développeur web et web mobile", "niveau 5", "1er mars 2026", "2 mars 2026", "Titre professionnel", "CCP1"}},
		{"TP-2026-RETI-RE00-X", "retire", 200, []string{"Certificat retiré", "plus en vigueur", "Camille Durand"}},
		{"TP-2026-WITH-DRAW-X", "retire", 200, []string{"Certificat retiré", "décision de l’autorité administrative du 2 mai 2026", "plus en vigueur"}},
		{"TP-2026-ALTE-RE00-X", "invalide", 200, []string{"Certificat invalide", "modifié après sa délivrance"}},
		{"ABC", "invalide", 200, []string{"Certificat invalide", "mal recopié"}},
		{"TP-2026-ZZZZ-ZZZZ-Z", "invalide", 200, []string{"Aucun certificat ne porte ce numéro"}},
	} {
		p := get(t, c, srv.URL+"/verifier/"+tc.number)
		if p.status != tc.status || !strings.Contains(p.body, `data-verdict="`+tc.verdict+`"`) {
			t.Errorf("%s: %d, verdict %q missing", tc.number, p.status, tc.verdict)
		}
		for _, w := range tc.want {
			if !strings.Contains(p.body, w) {
				t.Errorf("%s: page lacks %q", tc.number, w)
			}
		}
	}
	if auth := <-backend.lastAuth; auth != "" {
		t.Errorf("an anonymous verification sent authorization %q", auth)
	}
}

func TestVerifyFormNormalisesAndExplainsErrors(t *testing.T) {
	t.Parallel()
	_, srv := newTestApp(t, Config{}, startCertBackend(t, newCertBackend()))
	c := browser(t)
	p := get(t, c, srv.URL+"/verifier?numero=+tp-2026-aaaa+bbbb-c+")
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/verifier/TP-2026-AAAABBBB-C" {
		t.Errorf("form sent = %d %q", p.status, p.header.Get("Location"))
	}
	for q, want := range map[string]string{
		"":                      "Saisissez le numéro",
		strings.Repeat("A", 65): "trop long",
		"%20%20":                "Saisissez le numéro",
	} {
		p := get(t, c, srv.URL+"/verifier?numero="+q)
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, want) {
			t.Errorf("numero=%q: %d, lacks %q", q, p.status, want)
		}
		// The error summary links to the field, which says it is invalid,
		// and the title starts with "Erreur".
		for _, w := range []string{`href="#numero"`, `aria-invalid="true"`, `aria-describedby="numero-erreur"`, `<title>Erreur : `, `data-error-summary`} {
			if !strings.Contains(p.body, w) {
				t.Errorf("numero=%q: page lacks %q", q, w)
			}
		}
	}
	if p := get(t, c, srv.URL+"/verifier"); p.status != 200 || strings.Contains(p.body, "data-verdict") {
		t.Errorf("empty form = %d", p.status)
	}
}

func TestServiceFailuresShowFrenchPagesWithoutInternals(t *testing.T) {
	t.Parallel()
	_, srv := newTestApp(t, Config{}, startCertBackend(t, newCertBackend()))
	c := browser(t)
	p := get(t, c, srv.URL+"/verifier/BOOM")
	if p.status != http.StatusInternalServerError || !strings.Contains(p.body, "Erreur du serveur") || strings.Contains(p.body, "exploded") || strings.Contains(p.body, "secret.db") {
		t.Errorf("internal error: %d; the page must be generic", p.status)
	}
	p = get(t, c, srv.URL+"/verifier/DOWN")
	if p.status != http.StatusServiceUnavailable || !strings.Contains(p.body, "indisponible") {
		t.Errorf("unavailable: %d", p.status)
	}
	// Nothing listens: the connection fails.
	_, down := newTestApp(t, Config{}, nil)
	if p := get(t, c, down.URL+"/verifier/ABC"); p.status != http.StatusServiceUnavailable || strings.Contains(p.body, "127.0.0.1") {
		t.Errorf("no service: %d", p.status)
	}
}

func TestPagesAreFrenchAccessibleAndUncached(t *testing.T) {
	t.Parallel()
	_, srv := newTestApp(t, Config{}, nil)
	c := browser(t)
	for path, status := range map[string]int{"/": 200, "/verifier": 200, "/accessibilite": 200, "/nulle-part": 404, "/v2/x": 404} {
		p := get(t, c, srv.URL+path)
		if p.status != status {
			t.Errorf("%s = %d; want %d", path, p.status, status)
		}
		for _, w := range []string{`<html lang="fr"`, `href="#contenu"`, `<main id="contenu"`, `role="banner"`, `role="contentinfo"`, `République<br>Française`, "titrepro</p>"} {
			if !strings.Contains(p.body, w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
		h := p.header
		if h.Get("Cache-Control") != "no-store" || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") ||
			h.Get("X-Frame-Options") != "DENY" || h.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s headers: %v", path, h)
		}
	}
	if p := get(t, c, srv.URL+"/nulle-part"); !strings.Contains(p.body, "Page introuvable") {
		t.Error("the 404 page is not the French one")
	}
}

func TestForRolesRefusesOtherRoles(t *testing.T) {
	t.Parallel()
	app, _ := newTestApp(t, Config{}, nil)
	h := app.forRoles(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "jury page") }, auth.RoleJuror)
	for role, want := range map[auth.Role]int{auth.RoleJuror: 200, auth.RoleCandidate: 403} {
		value, _ := app.cookies.seal(sessionPurpose, Session{Subject: "s", Roles: []auth.Role{role}, AccessToken: "t",
			Expiry: time.Now().Add(time.Hour), CSRFSecret: newCSRFSecret()})
		req := httptest.NewRequest(http.MethodGet, "/jury", nil)
		req.AddCookie(&http.Cookie{Name: sessionCookiePlain, Value: value})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("%s: %d; want %d", role, rec.Code, want)
		}
	}
}

var assetURL = regexp.MustCompile(`/static/[0-9a-f]{12}/vendor/dsfr/dsfr\.min\.css`)

func TestStaticAssetsAreVersionedCachedAndCompressed(t *testing.T) {
	t.Parallel()
	app, srv := newTestApp(t, Config{}, nil)
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	home := get(t, c, srv.URL+"/")
	css := assetURL.FindString(home.body)
	if css == "" {
		t.Fatal("the home page does not link the versioned stylesheet")
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+css, nil)
	req.Header.Set("Accept-Encoding", "gzip, br")
	p := do(t, c, req)
	if p.status != 200 || p.header.Get("Content-Encoding") != "gzip" || p.header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		p.header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Fatalf("stylesheet: %d %v", p.status, p.header)
	}
	zr, err := gzip.NewReader(strings.NewReader(p.body))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if want := app.assets.files["vendor/dsfr/dsfr.min.css"].body; string(plain) != string(want) || len(p.body) >= len(want)/4 {
		t.Errorf("gzipped stylesheet: %d bytes for %d", len(p.body), len(want))
	}
	old := strings.Replace(css, app.assets.version, "000000000000", 1)
	if p := get(t, c, srv.URL+old); p.status != 200 || p.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("another version: %d %q", p.status, p.header.Get("Cache-Control"))
	}
	if p := get(t, c, srv.URL+"/static/"+app.assets.version+"/nope.css"); p.status != 404 {
		t.Errorf("unknown asset: %d", p.status)
	}
	// Every icon the stylesheet names is there (make web-vendor copied them).
	for _, m := range regexp.MustCompile(`url\((icons/[^)]+)\)`).FindAllStringSubmatch(string(plain), -1) {
		if _, ok := app.assets.files["vendor/dsfr/"+m[1]]; !ok {
			t.Errorf("icon %s missing from static/vendor/dsfr", m[1])
		}
	}
}

func TestPagesAreGzippedWhenAccepted(t *testing.T) {
	t.Parallel()
	_, srv := newTestApp(t, Config{}, nil)
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	p := do(t, c, req)
	if p.header.Get("Content-Encoding") != "gzip" || !strings.Contains(p.header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("home with gzip accepted: %v", p.header)
	}
	req.Header.Set("Accept-Encoding", "gzip;q=0")
	if p := do(t, c, req); p.header.Get("Content-Encoding") != "" {
		t.Error("gzip sent though refused (q=0)")
	}
}

func TestMarianneNeedsTheVendoredFont(t *testing.T) {
	t.Parallel()
	_, err := loadAssets(true)
	_, statErr := staticFS.ReadDir("static/vendor/dsfr/fonts")
	if statErr != nil && err == nil {
		t.Error("Marianne switched on without the font vendored, and no error")
	}
	if statErr == nil && err != nil {
		t.Errorf("Marianne vendored but refused: %v", err)
	}
}

func TestNavigationMarksTheCurrentSection(t *testing.T) {
	t.Parallel()
	for path, want := range map[string][]bool{"/": {true, false}, "/verifier": {false, true}, "/verifier/TP-1": {false, true}, "/compte": {false, false}} {
		p := Page{Path: path}
		if got := []bool{p.Current("/"), p.Current("/verifier")}; got[0] != want[0] || got[1] != want[1] {
			t.Errorf("%s: current(/, /verifier) = %v; want %v", path, got, want)
		}
	}
}
