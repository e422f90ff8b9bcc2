package certificate_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

func TestCheckSymbol(t *testing.T) {
	t.Parallel()
	// Expected values computed independently: the base32 value of the
	// symbols modulo 37, then Crockford's check alphabet.
	tests := []struct {
		symbols string
		want    byte
	}{
		{"0", '0'},
		{"Z", 'Z'},  // 31
		{"10", '*'}, // 32
		{"11", '~'}, // 33
		{"12", '$'}, // 34
		{"13", '='}, // 35
		{"14", 'U'}, // 36
		{"15", '0'}, // 37 = 0 mod 37
		{"2026ABCDEFGH", 'X'},
		{"20260000000Z", '0'},
		{"2026ZZZZZZZZ", 'N'},
		{"9999ZZZZZZZZ", 'R'},
		{"2026K3M7Q9TX", 'K'},
	}
	for _, tt := range tests {
		t.Run(tt.symbols, func(t *testing.T) {
			t.Parallel()
			got, err := certificate.CheckSymbol(tt.symbols)
			if err != nil || got != tt.want {
				t.Fatalf("CheckSymbol(%q) = %q, %v; want %q", tt.symbols, got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"I", "2026abcd", "U"} {
		if _, err := certificate.CheckSymbol(bad); err == nil {
			t.Errorf("CheckSymbol(%q) = nil error; want an error (not a Crockford symbol)", bad)
		}
	}
}

func TestNewNumber(t *testing.T) {
	t.Parallel()
	// All-zero randomness gives the body 00000000; the check symbol of
	// "202600000000" is 6 (computed independently).
	n, err := certificate.NewNumber(2026, bytes.NewReader(make([]byte, 8)))
	if err != nil || n != "TP-2026-0000-0000-6" {
		t.Fatalf("NewNumber(zeros) = %q, %v; want TP-2026-0000-0000-6", n, err)
	}
	seen := map[certificate.Number]bool{}
	for range 200 {
		n, err := certificate.NewNumber(2026, rand.Reader)
		if err != nil {
			t.Fatalf("NewNumber: %v", err)
		}
		if len(n) != len("TP-2026-XXXX-XXXX-C") || !strings.HasPrefix(string(n), "TP-2026-") {
			t.Fatalf("NewNumber() = %q; want TP-2026-XXXX-XXXX-C", n)
		}
		if back, err := certificate.ParseNumber(string(n)); err != nil || back != n {
			t.Fatalf("ParseNumber(%q) = %q, %v; want it back", n, back, err)
		}
		if seen[n] {
			t.Fatalf("NewNumber drew %q twice in 200 draws", n)
		}
		seen[n] = true
	}
	if _, err := certificate.NewNumber(99999, rand.Reader); err == nil {
		t.Fatal("NewNumber(year 99999) = nil error")
	}
	if _, err := certificate.NewNumber(2026, bytes.NewReader(nil)); err == nil {
		t.Fatal("NewNumber(no randomness) = nil error")
	}
}

func TestParseNumber(t *testing.T) {
	t.Parallel()
	const valid = "TP-2026-ABCD-EFGH-X" // check of 2026ABCDEFGH is X
	tests := []struct {
		name string
		in   string
		want certificate.Number // "" when malformed
	}{
		{"canonical form", valid, valid},
		{"lower case, spaces, no hyphens", " tp 2026 abcd efgh x ", valid},
		{"look-alikes: O for 0, I and L for 1", "TP-2O26-K3M7-Q9TX-K", "TP-2026-K3M7-Q9TX-K"},
		{"wrong check symbol: a typo", "TP-2026-ABCD-EFGH-Y", ""},
		{"one symbol changed", "TP-2026-ABCD-EFGJ-X", ""},
		{"two adjacent symbols swapped", "TP-2026-ABCD-EFHG-X", ""},
		{"year changed", "TP-2025-ABCD-EFGH-X", ""},
		{"too short", "TP-2026-ABCD-EFG-X", ""},
		{"wrong prefix", "XX-2026-ABCD-EFGH-X", ""},
		{"letters in the year", "TP-20A6-ABCD-EFGH-X", ""},
		{"U is not a body symbol", "TP-2026-ABCD-EFGU-X", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := certificate.ParseNumber(tt.in)
			if tt.want == "" {
				if !errors.Is(err, certificate.ErrMalformedNumber) {
					t.Fatalf("ParseNumber(%q) = %q, %v; want ErrMalformedNumber", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseNumber(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestIssueDateIsParisTime(t *testing.T) {
	t.Parallel()
	// 23:30 UTC on 31 December 2026 is already 2027 in Paris (UTC+1).
	at := time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)
	if got := certificate.IssueDate(at); got != "2027-01-01" {
		t.Fatalf("IssueDate(%v) = %s; want 2027-01-01", at, got)
	}
	if got := certificate.IssueYear(at); got != 2027 {
		t.Fatalf("IssueYear(%v) = %d; want 2027", at, got)
	}
}
