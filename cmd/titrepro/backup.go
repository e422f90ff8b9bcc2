package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"modernc.org/sqlite"
)

// backup copies the data folder of a running (or stopped) all-in-one into
// dir, consistently, while the server keeps serving (ADR 0009):
//
//   - every SQLite database, through SQLite's online backup API, all from
//     one instant: the write lock of every database is taken, a read
//     snapshot of each is opened, and the locks are released at once
//     (writers wait a few milliseconds); each snapshot is then copied while
//     the server writes on. A consumer's database therefore never holds an
//     event that its producer's copy lacks;
//   - the document contents (blobs/sha256), after the snapshot: contents
//     are written before the rows naming them and never removed, so every
//     content the copies name is there. Each is checked against its name
//     on the way: a damaged content fails the backup, loudly;
//   - every other file of the data folder (the token issuer key, the
//     certificate signing key, NATS credentials) as it is;
//   - not the JetStream store (nats/jetstream): the streams are rebuilt
//     from the databases' outboxes at restore (see restore).
//
// SHA256SUMS, written last, lists the SHA-256 of every file (the format of
// sha256sum, so `sha256sum -c SHA256SUMS` checks a copy too); a backup
// without it is incomplete and restore refuses it.
func backup(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return errors.New("usage: titrepro backup DIR (a new or empty folder)")
	}
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return err
	}
	dest, err := filepath.Abs(args[0])
	if err != nil {
		return err
	}
	if err := requireEmptyDir(dest); err != nil {
		return fmt.Errorf("backup folder: %w", err)
	}
	if rel, err := filepath.Rel(dataDir, dest); err == nil && !strings.HasPrefix(rel, "..") {
		return fmt.Errorf("backup folder %s is inside the data folder %s", dest, dataDir)
	}
	files, err := dataFiles(dataDir)
	if err != nil {
		return err
	}
	if len(files.databases) == 0 {
		return fmt.Errorf("no database in %s: is TITREPRO_DATA_DIR the data folder of titrepro serve?", dataDir)
	}
	if err := os.MkdirAll(dest, 0o700); err != nil {
		return fmt.Errorf("backup folder: %w", err)
	}

	var sums manifest
	if err := snapshotDatabases(ctx, dataDir, dest, files.databases, &sums); err != nil {
		return err
	}
	for _, rel := range files.blobs {
		if err := copyFile(dataDir, dest, rel, blobName(rel), &sums); err != nil {
			return fmt.Errorf("%w: restore this document content from an earlier backup; %s is incomplete", err, dest)
		}
	}
	for _, rel := range files.others {
		if err := copyFile(dataDir, dest, rel, "", &sums); err != nil {
			return err
		}
	}
	if err := sums.write(dest); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup of %s written to %s: %d databases, %d documents, %d other files (keys, credentials)\n",
		dataDir, dest, len(files.databases), len(files.blobs), len(files.others))
	return nil
}

// folder is what backup copies of a data folder, as paths relative to it
// with forward slashes.
type folder struct {
	databases []string // *.db at the top
	blobs     []string // blobs/sha256/<hex>
	others    []string // every other regular file
}

// dataFiles sorts the files of the data folder. Left out: the databases'
// WAL and shared-memory files (the backup API reads through them), the
// uploads in progress (blobs/tmp) and the JetStream store (nats/jetstream).
func dataFiles(dataDir string) (folder, error) {
	var f folder
	err := filepath.WalkDir(dataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dataDir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			if rel == "blobs/tmp" || rel == "nats/jetstream" {
				return fs.SkipDir
			}
			return nil
		case !d.Type().IsRegular():
			return fmt.Errorf("%s is not a regular file: move it out of the data folder", path)
		case !strings.Contains(rel, "/") && strings.HasSuffix(rel, ".db"):
			f.databases = append(f.databases, rel)
		case isSQLiteSideFile(rel):
		case strings.HasPrefix(rel, "blobs/sha256/"):
			f.blobs = append(f.blobs, rel)
		default:
			f.others = append(f.others, rel)
		}
		return nil
	})
	if err != nil {
		return folder{}, fmt.Errorf("read data folder: %w", err)
	}
	return f, nil
}

func isSQLiteSideFile(rel string) bool {
	for _, suffix := range []string{".db-wal", ".db-shm", ".db-journal"} {
		if strings.HasSuffix(rel, suffix) {
			return true
		}
	}
	return false
}

// blobName returns the hex SHA-256 a blob's name promises.
func blobName(rel string) string { return rel[strings.LastIndexByte(rel, '/')+1:] }

// openSQLite opens an existing SQLite file (never creating one) with the
// server's busy timeout, so that taking its write lock waits for the
// transaction in flight.
func openSQLite(path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	return sql.Open("sqlite", sqliteURI(path)+"?mode=rw&_pragma=busy_timeout(10000)")
}

// sqliteURI is the "file:" URI of a path, escaped so that a "?" or "#" in
// a folder name stays part of the path.
func sqliteURI(path string) string {
	return "file:" + (&url.URL{Path: filepath.ToSlash(path)}).EscapedPath()
}

// snapshotDatabases copies every database into dest from one instant.
func snapshotDatabases(ctx context.Context, dataDir, dest string, names []string, sums *manifest) error {
	type snap struct {
		name  string
		db    *sql.DB
		read  *sql.Conn
		write *sql.Conn
	}
	snaps := make([]*snap, 0, len(names))
	defer func() {
		for _, s := range snaps {
			if s.write != nil {
				_, _ = s.write.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
				_ = s.write.Close()
			}
			if s.read != nil {
				_, _ = s.read.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
				_ = s.read.Close()
			}
			_ = s.db.Close()
		}
	}()
	// 1. The write lock of every database, in name order: nothing commits
	// anywhere from the last lock on. The server's transactions each touch
	// one database, so this cannot deadlock with them.
	for _, name := range names {
		db, err := openSQLite(filepath.Join(dataDir, name))
		if err != nil {
			return fmt.Errorf("open %s: %w", name, err)
		}
		s := &snap{name: name, db: db}
		snaps = append(snaps, s)
		if s.write, err = db.Conn(ctx); err != nil {
			return fmt.Errorf("open %s: %w", name, err)
		}
		if _, err := s.write.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			return fmt.Errorf("lock %s: %w", name, err)
		}
	}
	// 2. A read snapshot of each: the same instant for all.
	for _, s := range snaps {
		var err error
		if s.read, err = s.db.Conn(ctx); err != nil {
			return fmt.Errorf("open %s: %w", s.name, err)
		}
		var n int
		if _, err := s.read.ExecContext(ctx, "BEGIN"); err != nil {
			return fmt.Errorf("snapshot %s: %w", s.name, err)
		}
		if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_schema").Scan(&n); err != nil {
			return fmt.Errorf("snapshot %s: %w", s.name, err)
		}
	}
	// 3. Writers go on.
	for _, s := range snaps {
		_, err := s.write.ExecContext(ctx, "ROLLBACK")
		_ = s.write.Close()
		s.write = nil
		if err != nil {
			return fmt.Errorf("unlock %s: %w", s.name, err)
		}
	}
	// 4. Each snapshot to its file: the backup API reads through the read
	// transaction held open on the source connection.
	for _, s := range snaps {
		target := filepath.Join(dest, s.name)
		err := s.read.Raw(func(dc any) error {
			src, ok := dc.(interface {
				NewBackup(string) (*sqlite.Backup, error)
			})
			if !ok {
				return fmt.Errorf("the SQLite driver offers no backup API (%T)", dc)
			}
			b, err := src.NewBackup(sqliteURI(target))
			if err != nil {
				return err
			}
			for {
				more, err := b.Step(-1)
				if err != nil {
					return errors.Join(err, b.Finish())
				}
				if !more {
					return b.Finish()
				}
			}
		})
		if err != nil {
			return fmt.Errorf("back up %s: %w", s.name, err)
		}
		// Personal data: readable by the service's user only, as the
		// key files are.
		if err := os.Chmod(target, 0o600); err != nil {
			return err
		}
		if err := checkDatabase(ctx, target); err != nil {
			return err
		}
		if err := sums.add(dest, s.name); err != nil {
			return err
		}
	}
	return nil
}

// checkDatabase runs SQLite's quick check on a copied database.
func checkDatabase(ctx context.Context, path string) error {
	db, err := openSQLite(path)
	if err != nil {
		return err
	}
	defer db.Close()
	var result string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&result); err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	if result != "ok" {
		return fmt.Errorf("check %s: %s", path, result)
	}
	return nil
}

// copyFile copies srcDir/rel to dstDir/rel with its permissions, flushed
// to disk, and records its SHA-256. When wantSum is set the bytes must
// hash to it (a document content is named by its hash).
func copyFile(srcDir, dstDir, rel, wantSum string, sums *manifest) error {
	src, err := os.Open(filepath.Join(srcDir, filepath.FromSlash(rel)))
	if err != nil {
		return err
	}
	defer src.Close()
	info, err := src.Stat()
	if err != nil {
		return err
	}
	target := filepath.Join(dstDir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return err
	}
	dst, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm())
	if err != nil {
		return err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(dst, h), src)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("copy %s: %w", rel, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if wantSum != "" && sum != wantSum {
		return fmt.Errorf("%s is damaged: its bytes hash to %s, not %s", rel, sum, wantSum)
	}
	sums.entries = append(sums.entries, manifestEntry{rel: rel, sum: sum})
	return nil
}

// requireEmptyDir accepts a folder that does not exist or holds nothing.
func requireEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty", dir)
	}
	return nil
}

// manifestEntry is one line of SHA256SUMS.
type manifestEntry struct{ rel, sum string }

// manifest is the list of a backup's files and their SHA-256.
type manifest struct{ entries []manifestEntry }

// manifestName is the manifest's file name, in the backup folder.
const manifestName = "SHA256SUMS"

// add hashes dir/rel and records it.
func (m *manifest) add(dir, rel string) error {
	sum, err := fileSHA256(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return err
	}
	m.entries = append(m.entries, manifestEntry{rel: rel, sum: sum})
	return nil
}

// write writes SHA256SUMS and flushes it and the folders: once it is on
// disk, so is the whole backup.
func (m *manifest) write(dir string) error {
	slices.SortFunc(m.entries, func(a, b manifestEntry) int { return strings.Compare(a.rel, b.rel) })
	var b strings.Builder
	for _, e := range m.entries {
		fmt.Fprintf(&b, "%s  %s\n", e.sum, e.rel)
	}
	if err := syncTree(dir); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, manifestName), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(b.String())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", manifestName, err)
	}
	return syncDir(dir)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// syncTree flushes every folder under dir (files are flushed as they are
// written), so that their entries survive a power cut.
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return syncDir(path)
	})
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
