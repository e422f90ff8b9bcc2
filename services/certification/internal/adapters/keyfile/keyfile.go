// Package keyfile keeps the certification authority's Ed25519 signing key
// in a PKCS#8 PEM file, created on first use. It follows the pattern of the
// platform's token issuer key (internal/auth): a fresh key is written to a
// temporary file and linked into place, so that a crash never leaves a
// half-written key and two processes starting together end up with the
// same key.
//
// A key is created only when the caller allows it: a missing key file is
// an accident (a lost disk, a restore that forgot it) once certificates
// were signed with it, and a new key would leave them unverifiable.
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
// not exist it calls mayCreate, and creates the folder (0700) and a fresh
// key file (0600) only if mayCreate returns nil; its error is returned
// otherwise. It refuses a key file that group or others may access:
// whoever reads it can sign certificates. It reports whether it created
// the key.
func LoadOrCreate(path string, mayCreate func() error) (ed25519.PrivateKey, bool, error) {
	key, err := read(path)
	if err == nil {
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	if err := mayCreate(); err != nil {
		return nil, false, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("keyfile: create folder %s: %w", dir, err)
	}
	key, created, err := create(dir, path)
	if err != nil {
		return nil, false, err
	}
	return key, created, nil
}

func read(path string) (ed25519.PrivateKey, error) {
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
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("keyfile: generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, false, fmt.Errorf("keyfile: encode key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".key-*.tmp") // created with mode 0600
	if err != nil {
		return nil, false, fmt.Errorf("keyfile: create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := pem.Encode(tmp, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		_ = tmp.Close()
		return nil, false, fmt.Errorf("keyfile: write key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return nil, false, fmt.Errorf("keyfile: sync key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, false, fmt.Errorf("keyfile: close key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			winner, err := read(path)
			return winner, false, err
		}
		return nil, false, fmt.Errorf("keyfile: install key file: %w", err)
	}
	syncDir(dir)
	return key, true, nil
}

// syncDir makes the new directory entry durable where the platform allows
// it; failing to do so only risks regenerating the key after a power loss,
// before any certificate was signed with it.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
