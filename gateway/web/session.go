package web

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
)

// Session is the signed-in user, kept in an encrypted cookie (seal.go):
// the access token the pages forward to the services, who the token says
// the user is, and the secret of the user's CSRF tokens. Nothing else: the
// services are asked for everything a page shows.
type Session struct {
	Subject     string      `json:"s"`
	Roles       []auth.Role `json:"r"`
	Centre      string      `json:"c,omitempty"`
	AccessToken string      `json:"t"`
	Expiry      time.Time   `json:"e"` // the access token's expiry
	CSRFSecret  []byte      `json:"x"`
}

// Has reports whether the user holds role r.
func (s *Session) Has(r auth.Role) bool { return s != nil && slices.Contains(s.Roles, r) }

// HasAny reports whether the user holds one of rs.
func (s *Session) HasAny(rs ...auth.Role) bool { return slices.ContainsFunc(rs, s.Has) }

// Principal returns the user as internal/auth sees a caller.
func (s *Session) Principal() auth.Principal {
	return auth.Principal{Subject: s.Subject, Roles: s.Roles, Centre: s.Centre}
}

const (
	sessionPurpose = "session"
	// The __Host- prefix (Secure, Path=/, no Domain) makes browsers refuse a
	// session cookie set by a sibling domain or over plain HTTP.
	sessionCookieSecure = "__Host-titrepro_session"
	sessionCookiePlain  = "titrepro_session"
)

func (a *App) sessionCookieName() string {
	if a.secure {
		return sessionCookieSecure
	}
	return sessionCookiePlain
}

// readSession returns the session of r, or nil when there is none or it
// has expired.
func (a *App) readSession(r *http.Request) *Session {
	c, err := r.Cookie(a.sessionCookieName())
	if err != nil {
		return nil
	}
	var s Session
	if a.cookies.open(sessionPurpose, c.Value, &s) != nil {
		return nil
	}
	if !time.Now().Before(s.Expiry) || s.AccessToken == "" || len(s.CSRFSecret) != csrfSecretSize {
		return nil
	}
	return &s
}

// writeSession sets the session cookie; it lives as long as the token.
func (a *App) writeSession(w http.ResponseWriter, s *Session) error {
	value, err := a.cookies.seal(sessionPurpose, s)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: a.sessionCookieName(), Value: value, Path: "/",
		Expires: s.Expiry, MaxAge: int(time.Until(s.Expiry).Seconds()),
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode,
	})
	return nil
}

// clearSession deletes the session cookie.
func (a *App) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: a.sessionCookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode,
	})
}

type sessionKey struct{}

// withSession returns r carrying s (nil for an anonymous request).
func withSession(r *http.Request, s *Session) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), sessionKey{}, s))
}

// SessionOf returns the session of a request that went through the web
// application's handlers, or nil when the user is not signed in.
func SessionOf(r *http.Request) *Session {
	s, _ := r.Context().Value(sessionKey{}).(*Session)
	return s
}
