package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// restore puts a backup written by `titrepro backup` into the data folder
// (TITREPRO_DATA_DIR), which must be new or empty: it never overwrites.
// It checks the whole backup against SHA256SUMS before it writes anything,
// copies it, then marks every outbox row of the restored databases as not
// yet published. The JetStream store is not in the backup: at the next
// `titrepro serve` the streams are created empty, each service's relay
// publishes its whole outbox again in order (same event ids), and each
// consumer reads its streams from the start, applying only the events its
// inbox does not hold: the events it had missed when the backup was taken
// are applied, the others are acknowledged and skipped (ADR 0009).
func restore(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return errors.New("usage: titrepro restore DIR (a backup folder; restores into TITREPRO_DATA_DIR, which must be new or empty)")
	}
	src, err := filepath.Abs(args[0])
	if err != nil {
		return err
	}
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return err
	}
	if err := requireEmptyDir(dataDir); err != nil {
		return fmt.Errorf("data folder: %w: restore only into a new or empty folder (move the current one away first)", err)
	}
	entries, err := verifyBackup(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	if err := restoreFiles(ctx, src, dataDir, entries); err != nil {
		// The folder was empty: leave it so, for the next attempt.
		if rmErr := emptyDir(dataDir); rmErr != nil {
			err = errors.Join(err, fmt.Errorf("clean %s: %w", dataDir, rmErr))
		}
		return err
	}
	fmt.Fprintf(stdout, "backup %s restored into %s: %d files checked and copied; "+
		"the event streams are rebuilt from the outboxes at the next titrepro serve\n", src, dataDir, len(entries))
	return nil
}

// manifestLine is a line of SHA256SUMS: a hex SHA-256, two spaces, a
// relative path.
var manifestLine = regexp.MustCompile(`^([0-9a-f]{64})  (.+)$`)

// verifyBackup reads SHA256SUMS and checks that the backup holds exactly
// the files it lists, each with its SHA-256.
func verifyBackup(dir string) ([]manifestEntry, error) {
	f, err := os.Open(filepath.Join(dir, manifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s: not a backup, or an incomplete one", dir, manifestName)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var entries []manifestEntry
	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		m := manifestLine.FindStringSubmatch(sc.Text())
		if m == nil {
			return nil, fmt.Errorf("%s line %d: want \"<sha256>  <path>\"", manifestName, n)
		}
		rel := m[2]
		if !fs.ValidPath(rel) || path.Clean(rel) != rel || rel == manifestName || listed[rel] {
			return nil, fmt.Errorf("%s line %d: bad or repeated path %q", manifestName, n, rel)
		}
		listed[rel] = true
		entries = append(entries, manifestEntry{rel: rel, sum: m[1]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", manifestName, err)
	}
	var problems []error
	for _, e := range entries {
		sum, err := fileSHA256(filepath.Join(dir, filepath.FromSlash(e.rel)))
		switch {
		case err != nil:
			problems = append(problems, fmt.Errorf("%s: %w", e.rel, err))
		case sum != e.sum:
			problems = append(problems, fmt.Errorf("%s: SHA-256 %s, the manifest says %s", e.rel, sum, e.sum))
		}
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if rel = filepath.ToSlash(rel); rel != manifestName && !listed[rel] {
			problems = append(problems, fmt.Errorf("%s: not listed in %s", rel, manifestName))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("the backup %s does not match its %s; nothing was restored:\n%w", dir, manifestName, errors.Join(problems...))
	}
	return entries, nil
}

// restoreFiles copies the checked files (checking them again as they are
// copied), resets the outboxes and flushes the folders.
func restoreFiles(ctx context.Context, src, dataDir string, entries []manifestEntry) error {
	var copied manifest
	for _, e := range entries {
		if err := copyFile(src, dataDir, e.rel, e.sum, &copied); err != nil {
			return err
		}
		if !strings.Contains(e.rel, "/") && strings.HasSuffix(e.rel, ".db") {
			if err := republishOutbox(ctx, filepath.Join(dataDir, e.rel)); err != nil {
				return err
			}
		}
	}
	return syncTree(dataDir)
}

// republishOutbox marks every event of a restored database as not yet
// published, so that its service publishes them all into the new streams.
func republishOutbox(ctx context.Context, dbPath string) error {
	db, err := openSQLite(dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "PRAGMA synchronous = FULL"); err != nil {
		return fmt.Errorf("%s: %w", dbPath, err)
	}
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'outbox'`).Scan(&tables); err != nil {
		return fmt.Errorf("%s: %w", dbPath, err)
	}
	if tables == 0 {
		return nil
	}
	if _, err := db.ExecContext(ctx, `UPDATE outbox SET published_at = NULL WHERE published_at IS NOT NULL`); err != nil {
		return fmt.Errorf("%s: reset the outbox: %w", dbPath, err)
	}
	return nil
}

// emptyDir removes everything inside dir.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		errs = append(errs, os.RemoveAll(filepath.Join(dir, e.Name())))
	}
	return errors.Join(errs...)
}
