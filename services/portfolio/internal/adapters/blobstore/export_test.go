package blobstore

import "os"

// RecordSyncs makes s log the path of every file and folder it flushes,
// calling check with it first.
func RecordSyncs(s *Store, check func(path string)) {
	s.sync = func(f *os.File) error {
		check(f.Name())
		return f.Sync()
	}
}
