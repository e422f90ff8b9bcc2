package catalogue_test

import (
	"errors"
	"os"
	"testing"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
)

// FuzzParse feeds arbitrary YAML to the referential parser, which reads
// what a ministry user uploads: it must never panic and must refuse with
// ErrInvalidTitleVersion only. testdata/fuzz/FuzzParse holds the seeds.
func FuzzParse(f *testing.F) {
	seed, err := os.ReadFile("../../../../../referentiels/tp-00495-tsgeri.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("code: TP-1\nversion: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tv, err := catalogue.Parse("fuzz.yaml", data)
		if err != nil {
			if !errors.Is(err, catalogue.ErrInvalidTitleVersion) {
				t.Fatalf("Parse() error %v is not ErrInvalidTitleVersion", err)
			}
			return
		}
		// What is accepted is a valid title version, with a content hash.
		if err := tv.Validate(); err != nil {
			t.Fatalf("Parse() accepted a title version that does not validate: %v", err)
		}
		if _, err := tv.ContentHash(); err != nil {
			t.Fatalf("ContentHash() of an accepted title version: %v", err)
		}
	})
}
