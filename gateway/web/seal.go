package web

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// CookieKeySize is the size of the cookie key: AES-256.
const CookieKeySize = 32

// maxCookieValue bounds a sealed cookie value: browsers keep cookies up to
// 4096 bytes, name and attributes included.
const maxCookieValue = 3800

// errCookie is any cookie that cannot be opened: absent, truncated, altered,
// sealed with another key or for another purpose. Callers treat them alike.
var errCookie = errors.New("web: cookie cannot be opened")

// sealer encrypts and authenticates cookie values with AES-256-GCM from the
// standard library (ADR 0013): one key, one primitive, no dependency. The
// cookie's purpose is the additional data, so a value sealed for the login
// round trip is refused as a session and the other way round.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (sealer, error) {
	if len(key) != CookieKeySize {
		return sealer{}, fmt.Errorf("web: cookie key: want %d bytes, got %d", CookieKeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return sealer{}, fmt.Errorf("web: cookie key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return sealer{}, fmt.Errorf("web: cookie key: %w", err)
	}
	return sealer{aead: aead}, nil
}

// seal returns v as JSON, encrypted for purpose, in base64url: a random
// nonce followed by the ciphertext and its tag.
func (s sealer) seal(purpose string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("web: encode %s cookie: %w", purpose, err)
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails
	sealed := s.aead.Seal(nonce, nonce, plain, []byte(purpose))
	out := base64.RawURLEncoding.EncodeToString(sealed)
	if len(out) > maxCookieValue {
		return "", fmt.Errorf("web: %s cookie would be %d bytes, over the limit of %d", purpose, len(out), maxCookieValue)
	}
	return out, nil
}

// open decrypts value sealed for purpose into v.
func (s sealer) open(purpose, value string, v any) error {
	if len(value) > maxCookieValue {
		return errCookie
	}
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(raw) < s.aead.NonceSize()+s.aead.Overhead() {
		return errCookie
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(purpose))
	if err != nil {
		return errCookie
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return errCookie
	}
	return nil
}
