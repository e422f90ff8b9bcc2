package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpensOnlyWithTheSameKeyAndPurpose(t *testing.T) {
	t.Parallel()
	key := make([]byte, CookieKeySize)
	s, err := newSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := newSealer(append([]byte{1}, key[1:]...))
	v, err := s.seal("session", map[string]string{"a": "b"})
	if err != nil {
		t.Fatal(err)
	}
	v2, _ := s.seal("session", map[string]string{"a": "b"})
	if v == v2 {
		t.Error("two seals of the same value are equal: the nonce is not random")
	}
	var got map[string]string
	if err := s.open("session", v, &got); err != nil || got["a"] != "b" {
		t.Fatalf("open = %v %v", got, err)
	}
	flipped := []byte(v)
	flipped[len(flipped)/2] ^= 1
	for name, try := range map[string]func() error{
		"other purpose": func() error { return s.open("login", v, &got) },
		"other key":     func() error { return other.open("session", v, &got) },
		"altered":       func() error { return s.open("session", string(flipped), &got) },
		"truncated":     func() error { return s.open("session", v[:10], &got) },
		"empty":         func() error { return s.open("session", "", &got) },
		"oversized":     func() error { return s.open("session", strings.Repeat("A", maxCookieValue+1), &got) },
	} {
		if err := try(); err != errCookie {
			t.Errorf("%s: open = %v; want errCookie", name, err)
		}
	}
	if _, err := s.seal("session", strings.Repeat("x", maxCookieValue)); err == nil {
		t.Error("a value over the cookie limit was sealed")
	}
	if _, err := newSealer(key[:16]); err == nil {
		t.Error("a 16-byte key was accepted")
	}
}

func TestCSRFTokenIsMaskedAndBoundToTheSecret(t *testing.T) {
	t.Parallel()
	secret := newCSRFSecret()
	a, b := csrfToken(secret), csrfToken(secret)
	if a == b {
		t.Error("two tokens of one secret are equal: not masked")
	}
	if !validCSRF(secret, a) || !validCSRF(secret, b) {
		t.Error("a token of the secret is refused")
	}
	for _, bad := range []string{"", "x", csrfToken(newCSRFSecret()), a[:len(a)-1], a + "A"} {
		if validCSRF(secret, bad) {
			t.Errorf("token %q accepted", bad)
		}
	}
	if validCSRF(nil, csrfToken(nil)) {
		t.Error("an empty secret validates")
	}
}

func TestCookieKeyFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sub", CookieKeyFile)
	k1, err := LoadOrCreateCookieKey(path)
	if err != nil || len(k1) != CookieKeySize {
		t.Fatalf("create = %d bytes, %v", len(k1), err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v; want 0600", info.Mode().Perm(), err)
	}
	k2, err := LoadOrCreateCookieKey(path)
	if err != nil || string(k1) != string(k2) {
		t.Fatal("the key changed on the second load")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateCookieKey(path); err == nil {
		t.Error("a key file others may read was accepted")
	}
	bad := filepath.Join(t.TempDir(), "bad.key")
	if err := os.WriteFile(bad, []byte("c2hvcnQ=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadCookieKey(bad); err == nil {
		t.Error("a short key was accepted")
	}
}

func TestLocalPath(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]bool{
		"/": true, "/compte": true, "/verifier/TP-2026?x=1": true,
		"": false, "compte": false, "//evil.example": false, "/\\evil.example": false,
		"https://evil.example/": false, "/x\r\nSet-Cookie: a=b": false, "/" + strings.Repeat("a", 2000): false,
	} {
		if _, got := localPath(p); got != want {
			t.Errorf("localPath(%q) = %t; want %t", p, got, want)
		}
	}
}
