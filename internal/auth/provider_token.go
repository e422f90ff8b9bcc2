package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// IDTokenType is the header typ of the provider's ID tokens. It is none of
// the access-token types JWKSVerifier accepts, so an ID token never opens
// an API (its "nonce" and its "typ": "ID" claim would refuse it too).
const IDTokenType = "id_token+jwt"

// tokenResponse is the successful answer of the token endpoint
// (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3).
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	IDToken     string `json:"id_token"`
	Scope       string `json:"scope"`
}

// tokenError is an error answer of the token endpoint (RFC 6749 §5.2).
type tokenError struct {
	status      int
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	basic       bool   // the client authenticated with HTTP Basic: 401 answers name that scheme
}

func invalidRequest(description string) *tokenError {
	return &tokenError{status: http.StatusBadRequest, Code: "invalid_request", Description: description}
}

func invalidGrant(description string) *tokenError {
	return &tokenError{status: http.StatusBadRequest, Code: "invalid_grant", Description: description}
}

// tokenParams are the parameters of a token request; each may appear once.
var tokenParams = []string{"grant_type", "code", "redirect_uri", "client_id", "code_verifier"}

// token serves POST /oauth/token: it exchanges a code and its PKCE verifier
// for an access token and an ID token.
func (p *DevProvider) token(w http.ResponseWriter, r *http.Request) {
	resp, terr := p.exchange(w, r)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	if terr != nil {
		if terr.status == http.StatusUnauthorized && terr.basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="titrepro"`)
		}
		writeTokenJSON(w, terr.status, terr)
		return
	}
	writeTokenJSON(w, http.StatusOK, resp)
}

func (p *DevProvider) exchange(w http.ResponseWriter, r *http.Request) (tokenResponse, *tokenError) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return tokenResponse{}, invalidRequest("the body must be application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return tokenResponse{}, invalidRequest("the body is not a valid form")
	}
	form := r.PostForm // parameters in the URL are not read (RFC 6749 §3.2)
	for _, name := range tokenParams {
		if len(form[name]) > 1 {
			return tokenResponse{}, invalidRequest(name + " is repeated")
		}
	}
	switch gt := form.Get("grant_type"); {
	case gt == "":
		return tokenResponse{}, invalidRequest("grant_type is required")
	case gt != "authorization_code":
		return tokenResponse{}, &tokenError{status: http.StatusBadRequest, Code: "unsupported_grant_type", Description: "only authorization_code is supported"}
	}
	// The client first: a request a client would retry in another form
	// (oauth2 tries HTTP Basic, then the body) must not use up the code.
	clientID, terr := p.authenticateClient(r, form)
	if terr != nil {
		return tokenResponse{}, terr
	}
	code, redirectURI, verifier := form.Get("code"), form.Get("redirect_uri"), form.Get("code_verifier")
	switch {
	case code == "":
		return tokenResponse{}, invalidRequest("code is required")
	case redirectURI == "":
		return tokenResponse{}, invalidRequest("redirect_uri is required")
	case verifier == "":
		return tokenResponse{}, invalidRequest("code_verifier is required (PKCE)")
	}
	grant, ok := p.codes.take(code)
	switch {
	case !ok:
		return tokenResponse{}, invalidGrant("the code is unknown, expired or already used")
	case grant.clientID != clientID:
		return tokenResponse{}, invalidGrant("the code was issued to another client")
	case grant.redirectURI != redirectURI:
		return tokenResponse{}, invalidGrant("redirect_uri differs from the authorization request's")
	case !verifierMatches(verifier, grant.challenge):
		return tokenResponse{}, invalidGrant("code_verifier does not match the code_challenge")
	}

	access, err := p.issuer.Issue(grant.principal, p.tokenTTL)
	if err != nil {
		return tokenResponse{}, &tokenError{status: http.StatusInternalServerError, Code: "server_error"}
	}
	id, err := p.issuer.issueIDToken(grant, p.tokenTTL)
	if err != nil {
		return tokenResponse{}, &tokenError{status: http.StatusInternalServerError, Code: "server_error"}
	}
	return tokenResponse{AccessToken: access, TokenType: "Bearer", ExpiresIn: int64(p.tokenTTL / time.Second), IDToken: id, Scope: "openid"}, nil
}

// authenticateClient returns the client of a token request: a public
// client names itself with client_id in the body, or as the user name of
// HTTP Basic with an empty password (what golang.org/x/oauth2 tries
// first). Both may be present if they agree.
func (p *DevProvider) authenticateClient(r *http.Request, form url.Values) (string, *tokenError) {
	id := form.Get("client_id")
	user, pass, basic := r.BasicAuth()
	if basic {
		u, err := url.QueryUnescape(user) // RFC 6749 §2.3.1 encodes both
		if err != nil || pass != "" || (id != "" && id != u) {
			return "", invalidClient(true, "public clients authenticate with their client_id and no secret")
		}
		id = u
	}
	if id == "" {
		return "", invalidClient(basic, "client_id is required")
	}
	if _, ok := p.clients[id]; !ok {
		return "", invalidClient(basic, "unknown client")
	}
	return id, nil
}

// invalidClient is 401 with a Basic challenge when the client used HTTP
// Basic, 400 otherwise (RFC 6749 §5.2).
func invalidClient(basic bool, description string) *tokenError {
	status := http.StatusBadRequest
	if basic {
		status = http.StatusUnauthorized
	}
	return &tokenError{status: status, Code: "invalid_client", Description: description, basic: basic}
}

// verifierMatches checks a PKCE verifier (RFC 7636 §4.1: 43 to 128
// unreserved characters) against its S256 challenge, in constant time.
func verifierMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	for i := 0; i < len(verifier); i++ {
		c := verifier[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}

func writeTokenJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// idTokenClaims are the claims of an ID token (OpenID Connect Core §2),
// with titrepro's roles and centre so that the web application can shape
// its screens without decoding the access token.
type idTokenClaims struct {
	jwt.RegisteredClaims
	Nonce           string   `json:"nonce"`
	AuthTime        int64    `json:"auth_time"`
	AuthorizedParty string   `json:"azp"`
	Roles           []string `json:"roles"`
	Centre          string   `json:"centre,omitempty"`
	Typ             string   `json:"typ"`
}

// issueIDToken signs the ID token of grant, for its client, valid ttl.
func (li *LocalIssuer) issueIDToken(grant codeGrant, ttl time.Duration) (string, error) {
	if grant.nonce == "" {
		return "", errors.New("auth: an ID token needs the nonce of its request")
	}
	now := time.Now().Truncate(time.Second)
	roles := make([]string, 0, len(grant.principal.Roles))
	for _, r := range grant.principal.Roles {
		roles = append(roles, string(r))
	}
	claims := idTokenClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    li.issuer,
			Subject:   grant.principal.Subject,
			Audience:  jwt.ClaimStrings{grant.clientID},
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        uuid.NewString(),
		},
		Nonce:           grant.nonce,
		AuthTime:        grant.authTime.Unix(),
		AuthorizedParty: grant.clientID,
		Roles:           roles,
		Centre:          grant.principal.Centre,
		Typ:             "ID",
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	tok.Header["kid"] = li.kid
	tok.Header["typ"] = IDTokenType
	signed, err := tok.SignedString(li.key)
	if err != nil {
		return "", fmt.Errorf("auth: sign ID token: %w", err)
	}
	return signed, nil
}

// logout serves GET /oauth/logout (OpenID Connect RP-Initiated Logout).
// The provider keeps no session, so there is nothing to end here: it
// sends the person back to post_logout_redirect_uri when that URI is
// registered (for client_id when given), and otherwise says they are
// logged out.
func (p *DevProvider) logout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	target := q.Get("post_logout_redirect_uri")
	if target != "" && len(q["post_logout_redirect_uri"]) == 1 && p.logoutTargetRegistered(q.Get("client_id"), target) {
		params := url.Values{}
		if s := q.Get("state"); s != "" && len(q["state"]) == 1 && len(s) <= maxStateLength && visibleASCII(s) {
			params.Set("state", s)
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, withQuery(target, params), http.StatusSeeOther)
		return
	}
	renderPage(w, http.StatusOK, "logout", pageData{Title: "Vous êtes déconnecté·e"})
}

func (p *DevProvider) logoutTargetRegistered(clientID, uri string) bool {
	if clientID != "" {
		c, ok := p.clients[clientID]
		return ok && slices.Contains(c.PostLogoutRedirectURIs, uri)
	}
	for _, c := range p.clients {
		if slices.Contains(c.PostLogoutRedirectURIs, uri) {
			return true
		}
	}
	return false
}
