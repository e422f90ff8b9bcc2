// Package keyfile keeps an Ed25519 private key in a PKCS#8 PEM file, created
// on first use: the token issuer's key (internal/auth) and the certification
// authority's signing key (services/certification) both live in one.
//
// A fresh key is written to a temporary file (mode 0600) and linked into
// place, so that a crash never leaves a half-written key and two processes
// starting together end up with the same key. A key file that group or others
// may access is refused: whoever reads it can sign in the key's name.
package keyfile

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// LoadOrCreate returns the Ed25519 private key in path. When the file does
// not exist it calls mayCreate (nil allows), and creates the folder (0700)
// and a fresh key file (0600) only if mayCreate returns nil; its error is
// returned otherwise: a caller whose key already signed something must not
// silently get a new one. It reports whether it created the key.
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
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("keyfile: create folder %s: %w", dir, err)
	}
	return create(dir, path)
}

// Read returns the Ed25519 private key in path, refusing a file group or
// others may access. A missing file is an error matching fs.ErrNotExist.
func Read(path string) (ed25519.PrivateKey, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err // fs.ErrNotExist is handled by the caller
	}
	// Windows has no Unix permission bits; its ACLs are out of our reach.
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("keyfile: key file %s has mode %04o; run chmod 600 on it", path, info.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keyfile: read %s: %w", path, err)
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

// create writes a fresh key next to path and links it into place. When
// another process linked its key first, that key is the one returned.
func create(dir, path string) (ed25519.PrivateKey, bool, error) {
	key, tmp, err := WriteTemp(dir)
	if err != nil {
		return nil, false, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			winner, err := Read(path)
			return winner, false, err
		}
		return nil, false, fmt.Errorf("keyfile: install key file: %w", err)
	}
	SyncDir(dir)
	return key, true, nil
}

// WriteTemp writes a fresh key to a new temporary file (mode 0600) in dir,
// synced to disk, and returns the key and the file's name; the caller links
// or renames the file into place and removes the name.
func WriteTemp(dir string) (ed25519.PrivateKey, string, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, "", fmt.Errorf("keyfile: generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, "", fmt.Errorf("keyfile: encode key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".key-*.tmp") // created with mode 0600
	if err != nil {
		return nil, "", fmt.Errorf("keyfile: create key file: %w", err)
	}
	err = pem.Encode(tmp, &pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return nil, "", fmt.Errorf("keyfile: write key file: %w", err)
	}
	return key, tmp.Name(), nil
}

// SyncDir makes new directory entries in dir durable where the platform
// allows it; failing to do so only risks losing a key created just before a
// power loss, before anything was signed with it.
func SyncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
