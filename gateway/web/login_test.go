package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func resolve(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	return b.ResolveReference(r).String(), nil
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// login goes through the whole round trip from /connexion?retour=ret and
// returns the page it lands on and its URL.
func login(t *testing.T, c *http.Client, base, ret string) (page, string) {
	t.Helper()
	return follow(t, c, base+"/connexion?"+url.Values{"retour": {ret}}.Encode())
}

func TestLoginRoundTripOpensASession(t *testing.T) {
	t.Parallel()
	p := newTestProvider(t)
	p.subject, p.roles, p.centre = "centre-lyon", []string{"centre"}, "CENTRE-69-001" // before any request
	_, srv := newTestApp(t, Config{IssuerURL: p.URL()}, nil)
	c := browser(t)

	// The first step alone: the redirect to the issuer with PKCE.
	first := get(t, c, srv.URL+"/connexion?retour=/compte")
	if first.status != http.StatusFound || !strings.HasPrefix(first.header.Get("Location"), p.URL()+"/authorize?") {
		t.Fatalf("GET /connexion = %d %q; want 302 to the authorization endpoint", first.status, first.header.Get("Location"))
	}
	var lc *http.Cookie
	for _, ck := range (&http.Response{Header: first.header}).Cookies() {
		if ck.Name == loginCookie {
			lc = ck
		}
	}
	if lc == nil || !lc.HttpOnly || lc.Path != loginCookiePath || lc.SameSite != http.SameSiteLaxMode {
		t.Fatalf("login cookie = %+v; want HttpOnly, Path %s, SameSite=Lax", lc, loginCookiePath)
	}

	final, at := follow(t, c, srv.URL+"/connexion?retour=/compte")
	if final.status != http.StatusOK || !strings.HasSuffix(at, "/compte") {
		t.Fatalf("login ended at %s with %d; want /compte 200", at, final.status)
	}
	for _, want := range []string{"centre-lyon", "Centre d’examen", "CENTRE-69-001", "Se déconnecter"} {
		if !strings.Contains(final.body, want) {
			t.Errorf("account page lacks %q", want)
		}
	}
	q, form, _ := p.seen()
	if q.Get("client_id") != ClientID || q.Get("redirect_uri") != srv.URL+"/auth/callback" || q.Get("scope") != "openid" ||
		q.Get("nonce") == "" || q.Get("state") == "" || q.Get("code_challenge_method") != "S256" {
		t.Errorf("authorization request = %v", q)
	}
	if form.Get("code_verifier") == "" || form.Get("client_id") != ClientID {
		t.Errorf("token request = %v; want the PKCE verifier and the client id in the form", form)
	}
	// The session cookie: HttpOnly, Lax, not Secure over http, not readable.
	u, _ := url.Parse(srv.URL)
	var session *http.Cookie
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookiePlain {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	if strings.Contains(session.Value, "centre-lyon") || len(session.Value) > maxCookieValue {
		t.Errorf("session cookie is readable or too large (%d bytes)", len(session.Value))
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		public     string
		name       string
		wantSecure bool
	}{
		{"http://titrepro.test", sessionCookiePlain, false},
		{"https://titrepro.test", sessionCookieSecure, true},
	} {
		app, _ := newTestApp(t, Config{PublicURL: tc.public}, nil)
		rec := httptest.NewRecorder()
		s := &Session{Subject: "x", AccessToken: "t", Expiry: time.Now().Add(time.Hour), CSRFSecret: newCSRFSecret()}
		if err := app.writeSession(rec, s); err != nil {
			t.Fatal(err)
		}
		ck := rec.Result().Cookies()[0]
		if ck.Name != tc.name || ck.Secure != tc.wantSecure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.MaxAge <= 0 {
			t.Errorf("%s: cookie %+v", tc.public, ck)
		}
	}
}

func TestLoginRefusesAnIDTokenWithAnotherNonce(t *testing.T) {
	t.Parallel()
	p := newTestProvider(t)
	p.badNonce = true
	_, srv := newTestApp(t, Config{IssuerURL: p.URL()}, nil)
	c := browser(t)
	final, _ := login(t, c, srv.URL, "/compte")
	if final.status != http.StatusBadGateway || !strings.Contains(final.body, "Connexion impossible") {
		t.Fatalf("login with a wrong nonce = %d; want 502 Connexion impossible", final.status)
	}
	if strings.Contains(final.body, "nonce") {
		t.Error("the page shows internal error text")
	}
	if get(t, c, srv.URL+"/compte").status != http.StatusSeeOther {
		t.Error("a session was opened despite the wrong nonce")
	}
}

func TestCallbackRefusesAForeignState(t *testing.T) {
	t.Parallel()
	p := newTestProvider(t)
	_, srv := newTestApp(t, Config{IssuerURL: p.URL()}, nil)
	c := browser(t)
	// Start a login, then come back with a state that is not ours (a
	// login forced on the user from another site).
	first := get(t, c, srv.URL+"/connexion")
	auth := get(t, c, first.header.Get("Location"))
	cb, _ := url.Parse(auth.header.Get("Location"))
	q := cb.Query()
	q.Set("state", "forged")
	cb.RawQuery = q.Encode()
	got := get(t, c, cb.String())
	if got.status != http.StatusBadRequest || !strings.Contains(got.body, "Connexion expirée") {
		t.Fatalf("callback with a foreign state = %d", got.status)
	}
	if _, _, n := p.seen(); n != 0 {
		t.Error("the code was exchanged despite the foreign state")
	}
	// Without the login cookie at all (another browser).
	if got := get(t, browser(t), srv.URL+"/auth/callback?code=x&state=y"); got.status != http.StatusBadRequest {
		t.Errorf("callback without the login cookie = %d; want 400", got.status)
	}
}

func TestLoginReturnsOnlyToLocalPaths(t *testing.T) {
	t.Parallel()
	p := newTestProvider(t)
	_, srv := newTestApp(t, Config{IssuerURL: p.URL()}, nil)
	for _, ret := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "compte"} {
		_, at := login(t, browser(t), srv.URL, ret)
		if at != srv.URL+"/" {
			t.Errorf("retour=%q ended at %s; want the home page", ret, at)
		}
	}
	_, at := login(t, browser(t), srv.URL, "/verifier?numero=ABC")
	if !strings.HasPrefix(at, srv.URL+"/verifier/ABC") {
		t.Errorf("a local retour with a query ended at %s", at)
	}
}

func TestExpiredSessionGoesThroughLoginAndBack(t *testing.T) {
	t.Parallel()
	p := newTestProvider(t)
	_, srv := newTestApp(t, Config{IssuerURL: p.URL()}, nil)
	c := browser(t)

	got := get(t, c, srv.URL+"/compte")
	if got.status != http.StatusSeeOther || got.header.Get("Location") != "/connexion?retour=%2Fcompte" {
		t.Fatalf("GET /compte anonymous = %d %q", got.status, got.header.Get("Location"))
	}
	// A form sent without a session: back to the form's page, flagged so
	// that its script restores the fields.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/deconnexion", strings.NewReader("_csrf=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	got = do(t, c, req)
	loc, _ := url.Parse(got.header.Get("Location"))
	if got.status != http.StatusSeeOther || loc.Path != "/connexion" || loc.Query().Get("retour") != "/deconnexion" || loc.Query().Get("restaurer") != "1" {
		t.Fatalf("POST without a session = %d %q", got.status, got.header.Get("Location"))
	}
	_, at := follow(t, c, srv.URL+"/connexion?retour=/compte&restaurer=1")
	if at != srv.URL+"/compte?restaurer=1" {
		t.Errorf("login with restaurer=1 ended at %s; want /compte?restaurer=1", at)
	}
}

func TestAlteredOrExpiredSessionIsNoSession(t *testing.T) {
	t.Parallel()
	app, srv := newTestApp(t, Config{}, nil)
	seal := func(s Session) string {
		v, err := app.cookies.seal(sessionPurpose, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	good := Session{Subject: "s", AccessToken: "t", Expiry: time.Now().Add(time.Hour), CSRFSecret: newCSRFSecret()}
	expired := good
	expired.Expiry = time.Now().Add(-time.Second)
	loginState, _ := app.cookies.seal(loginPurpose, good) // sealed for another purpose
	v := seal(good)
	altered := v[:len(v)-2] + "AA"
	for name, value := range map[string]string{"expired": seal(expired), "altered": altered, "other purpose": loginState, "garbage": "%%%"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/compte", nil)
		req.AddCookie(&http.Cookie{Name: sessionCookiePlain, Value: value})
		if got := do(t, browser(t), req); got.status != http.StatusSeeOther {
			t.Errorf("%s session: GET /compte = %d; want 303 to login", name, got.status)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/compte", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookiePlain, Value: v})
	if got := do(t, browser(t), req); got.status != http.StatusOK {
		t.Errorf("good session: GET /compte = %d; want 200", got.status)
	}
}

func TestLogoutNeedsTheCSRFTokenThenEndsTheSessionAtTheIssuer(t *testing.T) {
	t.Parallel()
	p := newTestProvider(t)
	_, srv := newTestApp(t, Config{IssuerURL: p.URL()}, nil)
	c := browser(t)
	account, _ := login(t, c, srv.URL, "/compte")
	m := csrfInput.FindStringSubmatch(account.body)
	if m == nil {
		t.Fatal("no CSRF field on the account page")
	}
	post := func(token string, header map[string]string) page {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/deconnexion", strings.NewReader(url.Values{"_csrf": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		return do(t, c, req)
	}
	if got := post("", nil); got.status != http.StatusForbidden || !strings.Contains(got.body, "Formulaire expiré") {
		t.Errorf("logout without a token = %d; want 403", got.status)
	}
	if got := post(csrfToken(newCSRFSecret()), nil); got.status != http.StatusForbidden {
		t.Errorf("logout with another session's token = %d; want 403", got.status)
	}
	if got := post(m[1], map[string]string{"Sec-Fetch-Site": "cross-site"}); got.status != http.StatusForbidden || !strings.Contains(got.body, "Demande refusée") {
		t.Errorf("cross-site logout = %d; want 403 from CrossOriginProtection", got.status)
	}
	got := post(m[1], map[string]string{"Sec-Fetch-Site": "same-origin"})
	loc, _ := url.Parse(got.header.Get("Location"))
	if got.status != http.StatusSeeOther || loc.Path != "/logout" || loc.Query().Get("client_id") != ClientID ||
		loc.Query().Get("post_logout_redirect_uri") != srv.URL+"/" {
		t.Fatalf("logout = %d %q; want 303 to the end-session endpoint", got.status, got.header.Get("Location"))
	}
	if get(t, c, srv.URL+"/compte").status != http.StatusSeeOther {
		t.Error("the session survived the logout")
	}
}

func TestLoginOffOrIssuerDown(t *testing.T) {
	t.Parallel()
	_, off := newTestApp(t, Config{}, nil)
	if got := get(t, browser(t), off.URL+"/connexion"); got.status != http.StatusServiceUnavailable || !strings.Contains(got.body, "pas configurée") {
		t.Errorf("login off: /connexion = %d", got.status)
	}
	_, down := newTestApp(t, Config{IssuerURL: "http://127.0.0.1:1"}, nil)
	got := get(t, browser(t), down.URL+"/connexion")
	if got.status != http.StatusServiceUnavailable || !strings.Contains(got.body, "ne répond pas") || strings.Contains(got.body, "127.0.0.1") {
		t.Errorf("issuer down: /connexion = %d", got.status)
	}
}
