// Package keyfile keeps secrets in files only their owner may read: an
// Ed25519 private key in a PKCS#8 PEM file, created on first use (the token
// issuer's key in internal/auth, the certification authority's signing key
// in services/certification), and any other private file (the embedded
// bus's credentials, internal/natsauth).
//
// Files are written to a temporary file (mode 0600) and moved into place,
// so that a crash never leaves half a file, and a first creation is linked
// into place, so that two processes starting together end up with the same
// key. A file group or others may access is refused.
package keyfile

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
)

// LoadOrCreate returns the Ed25519 private key in path. When the file does
// not exist it calls mayCreate (nil allows), and creates the folder (0700)
// and a fresh key file (0600) only if mayCreate returns nil; its error is
// returned otherwise: a caller whose key already signed something must not
// silently get a new one. It reports whether it created the key; when
// another process created it first, that key is the one returned.
func LoadOrCreate(path string, mayCreate func() error) (ed25519.PrivateKey, bool, error) {
	key, err := Read(path)
	if err == nil {
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	if mayCreate != nil {
		if err := mayCreate(); err != nil {
			return nil, false, err
		}
	}
	key, err = write(path, false)
	if errors.Is(err, fs.ErrExist) {
		winner, err := Read(path)
		return winner, false, err
	}
	if err != nil {
		return nil, false, err
	}
	return key, true, nil
}

// Replace writes a fresh key to path, replacing the key there atomically:
// path always holds a key.
func Replace(path string) (ed25519.PrivateKey, error) {
	return write(path, true)
}

// Read returns the Ed25519 private key in path, refusing a file group or
// others may access. A missing file is an error matching fs.ErrNotExist.
func Read(path string) (ed25519.PrivateKey, error) {
	data, err := ReadPrivate(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("keyfile: %s holds no PKCS#8 PEM block", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("keyfile: parse %s: %w", path, err)
	}
	key, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("keyfile: %s holds a %T, want an Ed25519 key", path, parsed)
	}
	return key, nil
}

// write generates a key and writes it to path (see WritePrivate).
func write(path string, replace bool) (ed25519.PrivateKey, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("keyfile: generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("keyfile: encode key: %w", err)
	}
	if err := WritePrivate(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), replace); err != nil {
		return nil, err
	}
	return key, nil
}
