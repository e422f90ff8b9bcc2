package blobstore

import (
	"fmt"
	"os"
	"path/filepath"
)

// The file store's durability steps (ADR 0009). fileblob maps a key such
// as "sha256/<hex>" to the file <dir>/sha256/<hex>: the keys this package
// makes (hex digits, a UUID, one slash) need no escaping.

// path returns the file of a key in a file store.
func (s *Store) path(key string) string { return filepath.Join(s.dir, filepath.FromSlash(key)) }

// syncPath opens a file or folder and flushes it to disk.
func (s *Store) syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("blobstore: sync %s: %w", path, err)
	}
	err = s.sync(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("blobstore: sync %s: %w", path, err)
	}
	return nil
}

// promote makes the finished temporary file tmpKey the content key, on
// disk when it returns: the file's bytes are flushed before it gets the
// content's name, so that name never holds less than the whole content,
// then the rename is flushed with the folder. A content stored already is
// replaced by these same bytes, which repairs a damaged copy.
func (s *Store) promote(tmpKey, key string) error {
	tmp, final := s.path(tmpKey), s.path(key)
	if err := s.syncPath(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("blobstore: store %s: %w", key, err)
	}
	return s.syncPath(filepath.Dir(final))
}
