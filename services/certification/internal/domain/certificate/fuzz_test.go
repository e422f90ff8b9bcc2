package certificate_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// FuzzParseNumber feeds arbitrary text to the certificate number parser,
// which reads what anyone types into the public verification: it must
// never panic, refuse with ErrMalformedNumber only, and return a canonical
// number that parses to itself. testdata/fuzz/FuzzParseNumber holds the
// seeds.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"TP-2026-7K3M-9QXA-5", "tp 2026 7k3m 9qxa 5", "TP2026ILOO00001", "", "TP-2026-ÿÿÿÿ-ÿÿÿÿ-ÿ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := certificate.ParseNumber(s)
		if err != nil {
			if !errors.Is(err, certificate.ErrMalformedNumber) {
				t.Fatalf("ParseNumber(%q) error %v is not ErrMalformedNumber", s, err)
			}
			return
		}
		again, err := certificate.ParseNumber(string(n))
		if err != nil || again != n {
			t.Fatalf("ParseNumber(%q) = %q, which parses to %q, %v", s, n, again, err)
		}
		if len(n) != len("TP-2026-7K3M-9QXA-5") {
			t.Fatalf("ParseNumber(%q) = %q: not the canonical form", s, n)
		}
	})
}
