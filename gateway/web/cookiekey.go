package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/titrepro/titrepro/internal/keyfile"
)

// CookieKeyFile is the name of the cookie key file in the all-in-one's data
// folder.
const CookieKeyFile = "web-cookie.key"

// LoadOrCreateCookieKey returns the cookie key in path (base64, one line),
// creating the file with a fresh key (mode 0600, folder 0700) when it does
// not exist. Like the token issuer's key, a file group or others may read
// is refused: whoever holds the key can forge sessions. Deleting the file
// ends every session at the next start.
func LoadOrCreateCookieKey(path string) ([]byte, error) {
	key, err := ReadCookieKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	key = make([]byte, CookieKeySize)
	_, _ = rand.Read(key)
	err = keyfile.WritePrivate(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), false)
	if errors.Is(err, fs.ErrExist) { // another process created it first: use theirs
		return ReadCookieKey(path)
	}
	if err != nil {
		return nil, err
	}
	return key, nil
}

// ReadCookieKey returns the cookie key in path (base64 of 32 bytes).
func ReadCookieKey(path string) ([]byte, error) {
	data, err := keyfile.ReadPrivate(path)
	if err != nil {
		return nil, err
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) != CookieKeySize {
		return nil, fmt.Errorf("web: %s: want the base64 of %d random bytes", path, CookieKeySize)
	}
	return key, nil
}
