package keyfile

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"

	signingkey "github.com/titrepro/titrepro/internal/keyfile"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// Rotation is what Rotate did.
type Rotation struct {
	RetiredKeyID string // the key that signed until now, kept to verify
	CurrentKeyID string // the fresh signing key
	// RetiredKeyFile is where the retired private key was moved: it signs
	// nothing any more; keep it offline with the backups, or destroy it.
	RetiredKeyFile string
}

// Rotate replaces the signing key in keyFile with a fresh one and keeps the
// old public key in retiredFile, so that every certificate signed so far
// still verifies (the keyring is the current key plus the retired ones).
// The running service signs with the key it loaded until it is restarted.
//
// The steps are ordered so that a crash at any point leaves a usable state:
// the old public key is made durable in retiredFile first; the old private
// key is kept under keyFile+".retired-<key id>"; the new key replaces
// keyFile by an atomic rename, so keyFile always holds a key.
func Rotate(keyFile, retiredFile string) (Rotation, error) {
	old, err := signingkey.Read(keyFile)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Rotation{}, fmt.Errorf("keyfile: no signing key in %s to rotate", keyFile)
		}
		return Rotation{}, err
	}
	oldPub := old.Public().(ed25519.PublicKey)
	if err := AddRetired(retiredFile, oldPub); err != nil {
		return Rotation{}, err
	}
	r := Rotation{RetiredKeyID: certificate.KeyID(oldPub)}
	r.RetiredKeyFile = keyFile + ".retired-" + r.RetiredKeyID
	if err := os.Link(keyFile, r.RetiredKeyFile); err != nil && !errors.Is(err, fs.ErrExist) {
		return Rotation{}, fmt.Errorf("keyfile: keep the retired key: %w", err)
	}
	fresh, err := signingkey.Replace(keyFile)
	if err != nil {
		return Rotation{}, fmt.Errorf("keyfile: install the new key: %w", err)
	}
	r.CurrentKeyID = certificate.KeyID(fresh.Public().(ed25519.PublicKey))
	return r, nil
}
