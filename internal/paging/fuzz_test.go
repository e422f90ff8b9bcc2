package paging_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/paging"
)

// FuzzDecode feeds arbitrary page tokens, which clients send back as they
// like, to Decode: it must never panic, refuse with ErrInvalidPageToken
// only, and what it accepts must encode back to a token that decodes to
// the same key. testdata/fuzz/FuzzDecode holds the seeds.
func FuzzDecode(f *testing.F) {
	good, err := paging.Encode("candidates|centre=C1", key{Time: "2026-01-01T00:00:00Z", ID: "42"})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{good, "", "e30", "!!!", "eyJxIjoiIiwiYSI6bnVsbH0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		var after key
		ok, err := paging.Decode("candidates|centre=C1", token, &after)
		if err != nil {
			if !errors.Is(err, paging.ErrInvalidPageToken) {
				t.Fatalf("Decode(%q) error %v is not ErrInvalidPageToken", token, err)
			}
			return
		}
		if !ok {
			if token != "" {
				t.Fatalf("Decode(%q) = false without an error", token)
			}
			return
		}
		again, err := paging.Encode("candidates|centre=C1", after)
		if err != nil {
			t.Fatal(err)
		}
		var back key
		if _, err := paging.Decode("candidates|centre=C1", again, &back); err != nil || back != after {
			t.Fatalf("re-encoded %+v decodes to %+v, %v", after, back, err)
		}
	})
}
