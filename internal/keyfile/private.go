package keyfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// ReadPrivate returns the content of path, a file of secrets that only its
// owner may access: a file group or others may access is refused, since
// whoever reads it can act in the secrets' name. A missing file is an error
// matching fs.ErrNotExist.
func ReadPrivate(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err // fs.ErrNotExist is handled by the caller
	}
	// Windows has no Unix permission bits; its ACLs are out of our reach.
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("keyfile: %s has mode %04o; run chmod 600 on it", path, info.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keyfile: read %s: %w", path, err)
	}
	return data, nil
}

// WritePrivate writes data to path with mode 0600 (see WriteFile). Without
// replace, path must not exist yet and an error matching fs.ErrExist says
// another process created it first, so that two processes starting
// together keep the same secrets.
func WritePrivate(path string, data []byte, replace bool) error {
	return WriteFile(path, data, 0o600, replace)
}

// WriteFile writes data to path with mode perm, creating its folder (0700).
// The data goes to a temporary file (0600 until it is complete), synced,
// then moved into place, so that a crash never leaves half a file: with
// replace an existing file is replaced (renamed over); without, the file is
// linked into place and fails with an error matching fs.ErrExist when path
// exists.
func WriteFile(path string, data []byte, perm fs.FileMode, replace bool) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("keyfile: create folder %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*.tmp") // created with mode 0600
	if err != nil {
		return fmt.Errorf("keyfile: create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil && perm != 0o600 {
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("keyfile: write %s: %w", path, err)
	}
	if replace {
		err = os.Rename(tmp.Name(), path)
	} else {
		err = os.Link(tmp.Name(), path)
	}
	if err != nil { // fs.ErrExist stays visible through the wrapping
		return fmt.Errorf("keyfile: install %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes new directory entries in dir durable where the platform
// allows it; failing to do so only risks losing a file written just before
// a power loss.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
