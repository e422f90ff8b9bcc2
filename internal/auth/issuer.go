package auth

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/titrepro/titrepro/internal/keyfile"
)

// IssuerKeyFile is the name of the LocalIssuer's private key file in its folder.
const IssuerKeyFile = "issuer-ed25519.pem"

// LocalIssuer mints EdDSA access tokens with an Ed25519 key kept on disk. It
// stands in for an external OIDC provider in single-binary deployments and in
// tests, and publishes its public key the way such a provider does.
type LocalIssuer struct {
	issuer    string
	audience  string
	key       ed25519.PrivateKey
	kid       string
	set       jose.JSONWebKeySet
	jwks      []byte // JWKS document
	discovery []byte // OIDC discovery document
}

// LoadOrCreateLocalIssuer loads the key in dir/issuer-ed25519.pem (PKCS#8 PEM),
// creating dir (0700) and a fresh key file (0600) when missing. It refuses a
// key file that group or others may access: whoever reads it can mint tokens
// for any role (see internal/keyfile). The key id is the RFC 7638 SHA-256
// thumbprint of the public key (base64url), so it is stable across restarts.
func LoadOrCreateLocalIssuer(dir, issuerURL, audience string) (*LocalIssuer, error) {
	if issuerURL == "" || audience == "" {
		return nil, errors.New("auth: local issuer needs an issuer URL and an audience")
	}
	key, _, err := keyfile.LoadOrCreate(filepath.Join(dir, IssuerKeyFile), nil)
	if err != nil {
		return nil, fmt.Errorf("auth: issuer key: %w", err)
	}
	return newLocalIssuer(key, issuerURL, audience)
}

func newLocalIssuer(key ed25519.PrivateKey, issuerURL, audience string) (*LocalIssuer, error) {
	pub := key.Public().(ed25519.PublicKey)
	jwk := jose.JSONWebKey{Key: pub, Algorithm: "EdDSA", Use: "sig"}
	thumb, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("auth: key thumbprint: %w", err)
	}
	jwk.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{jwk}}
	jwks, err := json.Marshal(set)
	if err != nil {
		return nil, fmt.Errorf("auth: encode JWKS: %w", err)
	}
	discovery, err := json.Marshal(map[string]any{
		"issuer":                                issuerURL,
		"jwks_uri":                              strings.TrimSuffix(issuerURL, "/") + "/.well-known/jwks.json",
		"id_token_signing_alg_values_supported": []string{"EdDSA"},
	})
	if err != nil {
		return nil, fmt.Errorf("auth: encode discovery document: %w", err)
	}
	return &LocalIssuer{
		issuer:    issuerURL,
		audience:  audience,
		key:       key,
		kid:       jwk.KeyID,
		set:       set,
		jwks:      jwks,
		discovery: discovery,
	}, nil
}

// KeyID returns the kid of the issuer's key.
func (li *LocalIssuer) KeyID() string { return li.kid }

// Issuer returns the issuer URL put in "iss".
func (li *LocalIssuer) Issuer() string { return li.issuer }

// Audience returns the audience put in "aud".
func (li *LocalIssuer) Audience() string { return li.audience }

// Issue returns an EdDSA-signed access token (header typ "at+jwt") for p,
// valid for ttl from now.
func (li *LocalIssuer) Issue(p Principal, ttl time.Duration) (string, error) {
	if p.Subject == "" {
		return "", errors.New("auth: cannot issue a token without a subject")
	}
	if len(p.Roles) == 0 {
		return "", errors.New("auth: cannot issue a token without a role")
	}
	roles := make([]string, 0, len(p.Roles))
	for _, r := range p.Roles {
		if _, err := ParseRole(string(r)); err != nil {
			return "", fmt.Errorf("auth: cannot issue a token: %w", err)
		}
		roles = append(roles, string(r))
	}
	if ttl <= 0 {
		return "", errors.New("auth: token lifetime must be positive")
	}
	now := time.Now().Truncate(time.Second)
	claims := tokenClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    li.issuer,
			Subject:   p.Subject,
			Audience:  jwt.ClaimStrings{li.audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        uuid.NewString(),
		},
		Roles:  roles,
		Centre: p.Centre,
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	tok.Header["kid"] = li.kid
	tok.Header["typ"] = "at+jwt"
	signed, err := tok.SignedString(li.key)
	if err != nil {
		return "", fmt.Errorf("auth: sign token: %w", err)
	}
	return signed, nil
}

// JWKS returns the issuer's public key set as a JSON document.
func (li *LocalIssuer) JWKS() []byte { return append([]byte(nil), li.jwks...) }

// KeySet returns the public key set; it fits VerifierOptions.KeySet, so that a
// process verifying its own tokens needs no HTTP round trip.
func (li *LocalIssuer) KeySet(context.Context) (jose.JSONWebKeySet, error) { return li.set, nil }

// VerifierOptions returns options that verify this issuer's tokens in process.
func (li *LocalIssuer) VerifierOptions() VerifierOptions {
	return VerifierOptions{Issuer: li.issuer, Audience: li.audience, KeySet: li.KeySet, Algorithms: []string{"EdDSA"}}
}

// Handler serves GET /.well-known/jwks.json and
// GET /.well-known/openid-configuration, so that other processes can verify
// the tokens with VerifierOptions.DiscoveryURL or JWKSURL.
func (li *LocalIssuer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/jwks.json", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, li.jwks)
	})
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, li.discovery)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(body)
}
