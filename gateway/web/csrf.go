package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
)

// CSRF tokens. Cross-origin unsafe requests are refused first by
// http.CrossOriginProtection (Sec-Fetch-Site / Origin, routes.go); every
// form also carries a token derived from the session's secret, checked
// before the handler runs, so that a request forged from a same-site page
// or an old browser without those headers fails too.
//
// The token is masked afresh on every page (a random pad and the secret
// XORed with it), so that no constant secret sits in compressed HTML next to
// text an attacker may reflect (BREACH).

const (
	csrfSecretSize = 32
	// CSRFField is the name of the hidden form field carrying the token.
	CSRFField = "_csrf"
	// CSRFHeader carries the token in requests sent by script (uploads).
	CSRFHeader = "X-CSRF-Token"
)

func newCSRFSecret() []byte {
	b := make([]byte, csrfSecretSize)
	_, _ = rand.Read(b)
	return b
}

// csrfToken returns a fresh masked token for secret.
func csrfToken(secret []byte) string {
	out := make([]byte, 2*len(secret))
	pad, masked := out[:len(secret)], out[len(secret):]
	_, _ = rand.Read(pad)
	subtle.XORBytes(masked, secret, pad)
	return base64.RawURLEncoding.EncodeToString(out)
}

// validCSRF reports whether token was made by csrfToken for secret.
func validCSRF(secret []byte, token string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 2*len(secret) || len(secret) == 0 {
		return false
	}
	got := make([]byte, len(secret))
	subtle.XORBytes(got, raw[:len(secret)], raw[len(secret):])
	return subtle.ConstantTimeCompare(got, secret) == 1
}

// requestCSRF returns the token sent with r: the header, else the form
// field of a URL-encoded form. A multipart form (an upload) sends it in the
// header or the query, so that it is checked before the body is read.
func requestCSRF(r *http.Request) string {
	if t := r.Header.Get(CSRFHeader); t != "" {
		return t
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return r.URL.Query().Get(CSRFField)
	}
	return r.PostFormValue(CSRFField)
}
