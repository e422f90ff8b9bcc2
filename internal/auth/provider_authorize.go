package auth

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Bounds of what an authorization request and the login form may carry.
const (
	maxStateLength   = 512 // state and nonce: enough for any client's random value
	maxScopeLength   = 1024
	maxFormBytes     = 64 << 10
	maxSubjectLength = 128
	maxCentreLength  = 64
)

var (
	// An S256 challenge is the base64url SHA-256 of the verifier: 43
	// characters (RFC 7636 §4.2).
	s256Challenge = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
	// Identifiers end up in URLs and logs: ASCII only.
	subjectPattern = regexp.MustCompile(`^[A-Za-z0-9._@:+-]+$`)
	centrePattern  = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
)

// authRequest is a checked authorization request (RFC 6749 §4.1.1,
// RFC 7636 §4.3, OpenID Connect Core §3.1.2.1).
type authRequest struct {
	ClientID    string
	RedirectURI string
	Scope       string
	State       string
	Nonce       string
	Challenge   string
}

// authError is a refused authorization request. With a redirect URI the
// error goes back to the client (RFC 6749 §4.1.2.1); without one (unknown
// client, unregistered redirect URI) the person sees it, since sending
// anyone anywhere would make the endpoint an open redirector.
type authError struct {
	code        string // RFC 6749 error code
	description string // for the client's developers: ASCII, English
	redirectURI string
	state       string
	page        string // for the person, in French, when there is no redirect
}

// authParams are the parameters of an authorization request; each may
// appear once.
var authParams = []string{"client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
	"code_challenge", "code_challenge_method", "prompt"}

// parseAuthRequest checks an authorization request's parameters, the
// client and its redirect URI first: until both are known good, an error
// is shown, never redirected.
func (p *DevProvider) parseAuthRequest(q url.Values) (authRequest, *authError) {
	for _, name := range []string{"client_id", "redirect_uri"} {
		if len(q[name]) > 1 {
			return authRequest{}, &authError{page: "La demande de connexion répète le paramètre " + name + " : elle est refusée."}
		}
	}
	req := authRequest{ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri")}
	if req.ClientID == "" {
		// Someone opened the page by hand.
		return authRequest{}, &authError{page: "Cette page s’ouvre depuis l’application titrepro, qui y envoie sa demande de connexion : revenez à l’accueil et choisissez « Se connecter »."}
	}
	client, ok := p.clients[req.ClientID]
	if !ok {
		return authRequest{}, &authError{page: "L’application qui demande la connexion n’est pas connue de ce fournisseur d’identité (client_id)."}
	}
	if !slices.Contains(client.RedirectURIs, req.RedirectURI) {
		return authRequest{}, &authError{page: "L’adresse de retour demandée (redirect_uri) n’est pas enregistrée pour cette application."}
	}

	refuse := &authError{redirectURI: req.RedirectURI}
	if s := q.Get("state"); len(q["state"]) == 1 && s != "" && len(s) <= maxStateLength && visibleASCII(s) {
		refuse.state = s
	}
	fail := func(code, description string) (authRequest, *authError) {
		refuse.code, refuse.description = code, description
		return authRequest{}, refuse
	}
	for _, name := range authParams {
		if len(q[name]) > 1 {
			return fail("invalid_request", name+" is repeated")
		}
	}
	switch rt := q.Get("response_type"); {
	case rt == "":
		return fail("invalid_request", "response_type is required")
	case rt != "code":
		return fail("unsupported_response_type", "only response_type=code is supported")
	}
	req.Scope = q.Get("scope")
	if len(req.Scope) > maxScopeLength || !slices.Contains(strings.Fields(req.Scope), "openid") {
		return fail("invalid_scope", "scope must include openid")
	}
	if q.Get("code_challenge_method") != "S256" {
		return fail("invalid_request", "PKCE is required: code_challenge_method must be S256")
	}
	req.Challenge = q.Get("code_challenge")
	if !s256Challenge.MatchString(req.Challenge) {
		return fail("invalid_request", "code_challenge must be the 43-character base64url SHA-256 of the verifier")
	}
	req.State, req.Nonce = q.Get("state"), q.Get("nonce")
	if req.State == "" || req.State != refuse.state {
		return fail("invalid_request", "state is required: 1 to 512 visible ASCII characters")
	}
	if req.Nonce == "" || len(req.Nonce) > maxStateLength || !visibleASCII(req.Nonce) {
		return fail("invalid_request", "nonce is required: 1 to 512 visible ASCII characters")
	}
	if slices.Contains(strings.Fields(q.Get("prompt")), "none") {
		// No session is kept: every login shows the page.
		return fail("login_required", "the development provider keeps no session")
	}
	return req, nil
}

// showLogin serves GET /oauth/authorize: the login page, or the refusal.
func (p *DevProvider) showLogin(w http.ResponseWriter, r *http.Request) {
	req, aerr := p.parseAuthRequest(r.URL.Query())
	if aerr != nil {
		p.refuseAuth(w, r, aerr)
		return
	}
	p.renderLogin(w, http.StatusOK, loginForm{Request: req})
}

// submitLogin serves POST /oauth/authorize: the form of the login page.
// The request parameters come back in hidden fields and are checked
// again; then the chosen identity gets a code, sent to the redirect URI.
func (p *DevProvider) submitLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			p.renderError(w, http.StatusRequestEntityTooLarge, "Le formulaire envoyé est trop volumineux.")
			return
		}
		p.renderError(w, http.StatusBadRequest, "Le formulaire envoyé est illisible.")
		return
	}
	req, aerr := p.parseAuthRequest(r.PostForm)
	if aerr != nil {
		p.refuseAuth(w, r, aerr)
		return
	}
	form := loginForm{Request: req, Role: r.PostForm.Get("role"), Subject: strings.TrimSpace(r.PostForm.Get("subject")),
		Centre: strings.TrimSpace(r.PostForm.Get("centre"))}
	principal, ok := form.check()
	if !ok {
		p.renderLogin(w, http.StatusBadRequest, form)
		return
	}
	code, err := p.codes.put(codeGrant{
		clientID: req.ClientID, redirectURI: req.RedirectURI, challenge: req.Challenge, nonce: req.Nonce,
		principal: principal, authTime: p.now(),
	})
	if err != nil {
		p.refuseAuth(w, r, &authError{code: "temporarily_unavailable", description: "too many logins in progress, retry in a minute",
			redirectURI: req.RedirectURI, state: req.State})
		return
	}
	// 303: the browser follows with a GET, the form is not sent again.
	http.Redirect(w, r, withQuery(req.RedirectURI, url.Values{"code": {code}, "state": {req.State}}), http.StatusSeeOther)
}

// refuseAuth shows the refusal to the person or sends it to the client.
func (p *DevProvider) refuseAuth(w http.ResponseWriter, r *http.Request, e *authError) {
	if e.redirectURI == "" {
		p.renderError(w, http.StatusBadRequest, e.page)
		return
	}
	params := url.Values{"error": {e.code}, "error_description": {e.description}}
	if e.state != "" {
		params.Set("state", e.state)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, withQuery(e.redirectURI, params), http.StatusSeeOther)
}

// withQuery returns uri, a registered redirect URI, with params added to
// its query.
func withQuery(uri string, params url.Values) string {
	u, err := url.Parse(uri)
	if err != nil {
		return uri // registered URIs were checked by NewDevProvider
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// loginForm is the login page's form: the request it answers and what the
// person chose, with the problems found.
type loginForm struct {
	Request                              authRequest
	Role, Subject, Centre                string
	RoleError, SubjectError, CentreError string
}

// check returns the principal the form names, or records what is wrong.
func (f *loginForm) check() (Principal, bool) {
	role, err := ParseRole(f.Role)
	if err != nil {
		f.RoleError = "Choisissez un rôle."
	}
	switch {
	case f.Subject == "":
		f.SubjectError = "Saisissez un identifiant."
	case len(f.Subject) > maxSubjectLength || !subjectPattern.MatchString(f.Subject):
		f.SubjectError = "L’identifiant ne peut contenir que des lettres sans accent, des chiffres et les signes . _ - @ : + (128 caractères au plus)."
	}
	if role == RoleCentre {
		switch {
		case f.Centre == "":
			f.CentreError = "Saisissez le code du centre d’examen : il est obligatoire pour le rôle Centre d’examen."
		case len(f.Centre) > maxCentreLength || !centrePattern.MatchString(f.Centre):
			f.CentreError = "Le code du centre ne peut contenir que des lettres sans accent, des chiffres et les signes . _ - (64 caractères au plus)."
		}
	}
	if f.RoleError != "" || f.SubjectError != "" || f.CentreError != "" {
		return Principal{}, false
	}
	p := Principal{Subject: f.Subject, Roles: []Role{role}}
	if role == RoleCentre {
		// Only a centre user's token names a centre.
		p.Centre = f.Centre
	}
	return p, true
}
