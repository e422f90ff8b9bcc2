package query

import (
	"context"
	"crypto/ed25519"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// CertificateKey is one public key of the keyring.
type CertificateKey struct {
	ID        string // certificate.KeyID of PublicKey
	PublicKey ed25519.PublicKey
	Current   bool // signs new certificates; the others are retired
}

// CertificateKeysHandler publishes the keys that verify certificates, for
// anyone: a third party verifies a certificate offline with them.
type CertificateKeysHandler struct {
	keys    certificate.Keyring
	current string
}

// NewCertificateKeysHandler returns the handler of keys, current being the
// id of the signing key.
func NewCertificateKeysHandler(keys certificate.Keyring, current string) CertificateKeysHandler {
	return CertificateKeysHandler{keys: keys, current: current}
}

// Handle returns every key of the ring, by key id.
func (h CertificateKeysHandler) Handle(context.Context) []CertificateKey {
	out := make([]CertificateKey, 0, len(h.keys))
	for _, id := range h.keys.IDs() {
		out = append(out, CertificateKey{ID: id, PublicKey: h.keys[id], Current: id == h.current})
	}
	return out
}
