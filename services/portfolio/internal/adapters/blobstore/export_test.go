package blobstore

import (
	"os"

	"gocloud.dev/blob"
)

// RecordSyncs makes s log the path of every file and folder it flushes,
// calling check with it first.
func RecordSyncs(s *Store, check func(path string)) {
	s.sync = func(f *os.File) error {
		check(f.Name())
		return f.Sync()
	}
}

// SkipSyncs makes s flush nothing, for the benchmark that measures what
// the flushes cost.
func SkipSyncs(s *Store) { s.sync = func(*os.File) error { return nil } }

// Bucket returns the bucket of s, for tests that damage stored contents
// the way an operator or a failing disk would.
func Bucket(s *Store) *blob.Bucket { return s.bucket }
