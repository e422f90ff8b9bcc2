package keyfile_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/titrepro/titrepro/internal/keyfile"
)

func allow() error { return nil }

func TestLoadOrCreate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nested", "certificate-ed25519.pem")
	first, created, err := keyfile.LoadOrCreate(path, allow)
	if err != nil || !created {
		t.Fatalf("LoadOrCreate(missing) = created %v, %v; want a new key", created, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("stat: %v", err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %04o; want 0600", info.Mode().Perm())
	}
	again, created, err := keyfile.LoadOrCreate(path, allow)
	if err != nil || created || !bytes.Equal(first, again) {
		t.Fatalf("LoadOrCreate(existing) = created %v, %v; want the same key loaded", created, err)
	}
}

func TestLoadOrCreateConcurrentStartsAgree(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "key.pem")
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, _, err := keyfile.LoadOrCreate(path, allow)
			if err != nil {
				t.Errorf("LoadOrCreate: %v", err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for i := range keys {
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("start %d got another key than start 0", i)
		}
	}
}

func TestLoadOrCreateRefusesBadFiles(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits on Windows")
	}
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
	}{
		{"readable by others", "", 0o644, "chmod 600"},
		{"not PEM", "hello", 0o600, "no PKCS#8 PEM block"},
		{"PEM but not PKCS#8", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", 0o600, "parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "key.pem")
			content := tt.content
			if content == "" {
				// A valid key, with the wrong mode.
				src := filepath.Join(t.TempDir(), "good.pem")
				if _, _, err := keyfile.LoadOrCreate(src, allow); err != nil {
					t.Fatalf("create: %v", err)
				}
				data, err := os.ReadFile(src)
				if err != nil {
					t.Fatalf("read: %v", err)
				}
				content = string(data)
			}
			if err := os.WriteFile(path, []byte(content), tt.mode); err != nil {
				t.Fatalf("write: %v", err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatalf("chmod: %v", err)
			}
			_, _, err := keyfile.LoadOrCreate(path, allow)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadOrCreate() = %v; want an error mentioning %q", err, tt.want)
			}
		})
	}
}

// A missing key is created only when the caller allows it; a refusal
// leaves no file behind, and an existing key loads whatever the caller
// says.
func TestLoadOrCreateRefusesToCreateWhenNotAllowed(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "key.pem")
	refused := errors.New("certificates exist")
	if _, _, err := keyfile.LoadOrCreate(path, func() error { return refused }); !errors.Is(err, refused) {
		t.Fatalf("LoadOrCreate(refused) = %v; want the refusal", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused creation left %s (%v)", path, err)
	}
	created, _, err := keyfile.LoadOrCreate(path, allow)
	if err != nil {
		t.Fatal(err)
	}
	loaded, _, err := keyfile.LoadOrCreate(path, func() error { return refused })
	if err != nil || !bytes.Equal(loaded, created) {
		t.Fatalf("LoadOrCreate(existing, refused) = %v; want the key loaded", err)
	}
}

// TestWritePrivate: a first write links the file into place (0600) and a
// second creation says the file exists, keeping the first content; a
// replacement renames over it. Nothing temporary is left behind.
func TestWritePrivate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "secrets.json")
	if err := keyfile.WritePrivate(path, []byte("one"), false); err != nil {
		t.Fatal(err)
	}
	if err := keyfile.WritePrivate(path, []byte("two"), false); !errors.Is(err, os.ErrExist) {
		t.Fatalf("WritePrivate(existing, create) = %v; want ErrExist", err)
	}
	if data, err := keyfile.ReadPrivate(path); err != nil || string(data) != "one" {
		t.Fatalf("ReadPrivate() = %q, %v; want the first content", data, err)
	}
	if err := keyfile.WritePrivate(path, []byte("three"), true); err != nil {
		t.Fatal(err)
	}
	if data, err := keyfile.ReadPrivate(path); err != nil || string(data) != "three" {
		t.Fatalf("ReadPrivate() = %q, %v; want the replacement", data, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %04o; want 0600", info.Mode().Perm())
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 1 {
		t.Fatalf("folder holds %d entries (%v); want the file alone", len(entries), err)
	}
}
