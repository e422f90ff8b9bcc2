// Package keyfile keeps the certification authority's retired public keys
// and rotates its signing key. The signing key file itself is read and
// created by internal/keyfile, shared with the token issuer.
package keyfile

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

	signingkey "github.com/titrepro/titrepro/internal/keyfile"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// The retired keys file is a JWK Set (RFC 7517) of the public keys that
// signed certificates before a rotation: public data, the same shape as the
// published key set, so an operator can read or check it with any JOSE
// tool. Each key id must be certificate.KeyID of its key.
type jwkSet struct {
	Keys []jwk `json:"keys"`
}

type jwk struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Kid string `json:"kid"`
	Alg string `json:"alg,omitempty"`
	Use string `json:"use,omitempty"`
}

// ReadRetired returns the public keys of the retired keys file at path;
// none when path is empty or the file does not exist (no rotation yet). A
// file that does not parse, or a key whose id is not its own, is an error:
// the service must not start with a keyring it cannot trust.
func ReadRetired(path string) ([]ed25519.PublicKey, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("keyfile: read retired keys: %w", err)
	}
	var set jwkSet
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("keyfile: retired keys %s: %w", path, err)
	}
	out := make([]ed25519.PublicKey, 0, len(set.Keys))
	for i, k := range set.Keys {
		raw, err := base64.RawURLEncoding.DecodeString(k.X)
		if k.Kty != "OKP" || k.Crv != "Ed25519" || err != nil || len(raw) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("keyfile: retired keys %s: key %d is not an Ed25519 public key (kty OKP, crv Ed25519, x base64url of 32 bytes)", path, i)
		}
		pub := ed25519.PublicKey(raw)
		if id := certificate.KeyID(pub); id != k.Kid {
			return nil, fmt.Errorf("keyfile: retired keys %s: key %d has kid %q, but its key id is %q", path, i, k.Kid, id)
		}
		out = append(out, pub)
	}
	return out, nil
}

// AddRetired adds pub to the retired keys file at path, creating it (mode
// 0644: public keys) when missing; it does nothing when pub is there. The
// file is replaced atomically, so a crash leaves the old or the new list.
func AddRetired(path string, pub ed25519.PublicKey) error {
	keys, err := ReadRetired(path)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(keys, func(k ed25519.PublicKey) bool { return pub.Equal(k) }) {
		return nil
	}
	keys = append(keys, pub)
	set := jwkSet{Keys: make([]jwk, 0, len(keys))}
	for _, k := range keys {
		set.Keys = append(set.Keys, toJWK(k))
	}
	data, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		return fmt.Errorf("keyfile: encode retired keys: %w", err)
	}
	if err := signingkey.WriteFile(path, append(data, '\n'), 0o644, true); err != nil {
		return fmt.Errorf("keyfile: write retired keys: %w", err)
	}
	return nil
}

// toJWK returns pub as a JSON Web Key (RFC 8037).
func toJWK(pub ed25519.PublicKey) jwk {
	return jwk{Kty: "OKP", Crv: "Ed25519", X: base64.RawURLEncoding.EncodeToString(pub),
		Kid: certificate.KeyID(pub), Alg: "EdDSA", Use: "sig"}
}
