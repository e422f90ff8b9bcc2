package certificate

import (
	"crypto/ed25519"
	"errors"
	"maps"
	"slices"
)

// Keyring maps key ids to the public keys that verify certificates: the
// current signing key and every key retired by a rotation, so that a
// certificate keeps verifying for as long as its key is in the ring. It is
// what the authority publishes (GET /.well-known/titrepro/certificate-keys.json).
type Keyring map[string]ed25519.PublicKey

// NewKeyring returns the keyring of keys, each under its KeyID.
func NewKeyring(keys ...ed25519.PublicKey) Keyring {
	k := make(Keyring, len(keys))
	for _, pub := range keys {
		k[KeyID(pub)] = pub
	}
	return k
}

// IDs returns the key ids of the ring, sorted, so that its publication is
// stable.
func (k Keyring) IDs() []string { return slices.Sorted(maps.Keys(k)) }

// Verdicts of Keyring.Verify besides nil.
var (
	// ErrUnknownKey reports a certificate signed with a key the keyring
	// does not hold.
	ErrUnknownKey = errors.New("SIGNING_KEY_UNKNOWN")
	// ErrBadSignature reports content that does not match its signature:
	// the record was altered after issue.
	ErrBadSignature = errors.New("SIGNATURE_INVALID")
)

// Verify checks c's signature over its content as it stands now, in the
// format it was signed in: nil when it verifies, ErrUnknownKey or
// ErrBadSignature when it does not (a format this authority never signed in
// is an alteration too), another error when the content cannot be encoded.
func (k Keyring) Verify(c Certificate) error {
	pub, ok := k[c.KeyID]
	if !ok {
		return ErrUnknownKey
	}
	content, err := c.Content()
	if errors.Is(err, ErrUnknownFormat) {
		return ErrBadSignature
	}
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub, content, c.Signature) {
		return ErrBadSignature
	}
	return nil
}
