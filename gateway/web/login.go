package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/titrepro/titrepro/internal/auth"
)

const (
	callbackPath = "/auth/callback"
	loginPurpose = "login"
	// The login cookie only travels to the callback.
	loginCookie     = "titrepro_login"
	loginCookiePath = "/auth/"
	// loginTimeout is how long someone may take on the issuer's login page.
	loginTimeout = 10 * time.Minute
)

// loginState is the login round trip in hand, kept in a short-lived
// encrypted cookie between /connexion and the callback.
type loginState struct {
	State    string    `json:"s"`
	Nonce    string    `json:"n"`
	Verifier string    `json:"v"` // PKCE code verifier
	Return   string    `json:"r"` // local path to go back to
	Restore  bool      `json:"f"` // a form is waiting to be restored there
	Expiry   time.Time `json:"e"`
}

// loginStart (GET /connexion) sends the browser to the issuer's
// authorization endpoint with a fresh state, nonce and PKCE challenge.
func (a *App) loginStart(w http.ResponseWriter, r *http.Request) {
	if a.login == nil {
		a.renderError(w, r, http.StatusServiceUnavailable, errorPage{
			Title:  "Connexion indisponible",
			Detail: "La connexion n’est pas configurée sur ce serveur. La vérification des certificats reste ouverte à tous.",
		})
		return
	}
	ret, ok := localPath(r.URL.Query().Get("retour"))
	if !ok {
		ret = "/"
	}
	if SessionOf(r) != nil {
		http.Redirect(w, r, ret, http.StatusSeeOther)
		return
	}
	d, err := a.login.discover(r.Context())
	if err != nil {
		a.log.WarnContext(r.Context(), "web: login unavailable", "err", err)
		a.renderError(w, r, http.StatusServiceUnavailable, errorPage{
			Title:  "Connexion indisponible",
			Detail: "Le service d’identification ne répond pas pour le moment. Réessayez dans quelques minutes.",
		})
		return
	}
	st := loginState{
		State: randomString(), Nonce: randomString(), Verifier: oauth2.GenerateVerifier(),
		Return: ret, Restore: r.URL.Query().Get("restaurer") == "1",
		Expiry: time.Now().Add(loginTimeout),
	}
	value, err := a.cookies.seal(loginPurpose, st)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: loginCookie, Value: value, Path: loginCookiePath, MaxAge: int(loginTimeout.Seconds()),
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, d.oauth.AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier)), http.StatusFound)
}

// idClaims are the claims of the ID token the session is built from.
type idClaims struct {
	Roles  []string `json:"roles"`
	Centre string   `json:"centre"`
}

// loginCallback (GET /auth/callback) checks the state, exchanges the code
// with the PKCE verifier, verifies the ID token (signature, issuer,
// audience, expiry, nonce) and opens the session.
func (a *App) loginCallback(w http.ResponseWriter, r *http.Request) {
	if a.login == nil {
		a.notFound(w, r)
		return
	}
	var st loginState
	c, err := r.Cookie(loginCookie)
	if err == nil {
		err = a.cookies.open(loginPurpose, c.Value, &st)
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Path: loginCookiePath, MaxAge: -1, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode})
	q := r.URL.Query()
	if err != nil || time.Now().After(st.Expiry) || subtle.ConstantTimeCompare([]byte(st.State), []byte(q.Get("state"))) != 1 {
		a.renderError(w, r, http.StatusBadRequest, errorPage{
			Title:  "Connexion expirée",
			Detail: "Cette demande de connexion a expiré ou a été ouverte dans un autre onglet. Recommencez la connexion.",
			Link:   &link{Label: "Se connecter", Href: "/connexion?" + url.Values{"retour": {st.Return}}.Encode()},
		})
		return
	}
	if e := q.Get("error"); e != "" || q.Get("code") == "" {
		a.renderError(w, r, http.StatusUnauthorized, errorPage{
			Title:  "Connexion refusée",
			Detail: "Le service d’identification n’a pas accepté la connexion, ou elle a été annulée.",
			Link:   &link{Label: "Réessayer", Href: "/connexion?" + url.Values{"retour": {st.Return}}.Encode()},
		})
		return
	}
	s, err := a.exchange(r.Context(), q.Get("code"), st)
	if err != nil {
		a.log.WarnContext(r.Context(), "web: login failed", "err", err)
		a.renderError(w, r, http.StatusBadGateway, errorPage{
			Title:  "Connexion impossible",
			Detail: "La réponse du service d’identification n’a pas pu être validée. Recommencez la connexion ; si le problème persiste, contactez l’assistance.",
			Link:   &link{Label: "Se connecter", Href: "/connexion?" + url.Values{"retour": {st.Return}}.Encode()},
		})
		return
	}
	if err := a.writeSession(w, s); err != nil {
		a.serverError(w, r, err)
		return
	}
	target := st.Return
	if st.Restore {
		if u, err := url.Parse(st.Return); err == nil {
			v := u.Query()
			v.Set("restaurer", "1")
			u.RawQuery = v.Encode()
			target = u.String()
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// exchange turns the authorization code into a session.
func (a *App) exchange(ctx context.Context, code string, st loginState) (*Session, error) {
	d, err := a.login.discover(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(a.login.context(ctx), oidcTimeout)
	defer cancel()
	tok, err := d.oauth.Exchange(ctx, code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return nil, err
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, errors.New("web: the token response has no id_token")
	}
	idt, err := d.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		return nil, errors.New("web: the ID token's nonce is not the one sent")
	}
	var claims idClaims
	if err := idt.Claims(&claims); err != nil {
		return nil, err
	}
	s := &Session{Subject: idt.Subject, Centre: claims.Centre, AccessToken: tok.AccessToken, Expiry: tok.Expiry, CSRFSecret: newCSRFSecret()}
	for _, name := range claims.Roles {
		if role, err := auth.ParseRole(name); err == nil {
			s.Roles = append(s.Roles, role)
		}
	}
	if s.Expiry.IsZero() { // no expires_in: the ID token's expiry bounds the session
		s.Expiry = idt.Expiry
	}
	switch {
	case s.Subject == "" || s.AccessToken == "":
		return nil, errors.New("web: the token response has no subject or no access token")
	case len(s.Roles) == 0:
		return nil, errors.New("web: the ID token names no role of the platform")
	case !time.Now().Before(s.Expiry):
		return nil, errors.New("web: the access token has already expired")
	}
	return s, nil
}

// logout (POST /deconnexion) ends the session here, then at the issuer
// when it offers RP-initiated logout.
func (a *App) logout(w http.ResponseWriter, r *http.Request) {
	a.clearSession(w)
	target := "/"
	if a.login != nil {
		if d, err := a.login.discover(r.Context()); err == nil && d.endSession != "" {
			if u, err := url.Parse(d.endSession); err == nil {
				q := u.Query()
				q.Set("client_id", a.cfg.ClientID)
				q.Set("post_logout_redirect_uri", a.cfg.PublicURL+"/")
				u.RawQuery = q.Encode()
				target = u.String()
			}
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
