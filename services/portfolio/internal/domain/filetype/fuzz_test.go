package filetype_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/filetype"
	"github.com/titrepro/titrepro/services/portfolio/internal/testdocs"
)

// FuzzInspect feeds arbitrary files to the inspection: it must never
// panic, refuse only with its own errors (never a parser's), and accept
// only what Head accepts too. `make fuzz` runs it; testdata/fuzz/FuzzInspect
// holds the seed corpus.
func FuzzInspect(f *testing.F) {
	for _, seed := range [][]byte{testdocs.PDF(), testdocs.PNG(), testdocs.JPEG(), testdocs.ODT(), testdocs.DOCX(), testdocs.XLSX()} {
		f.Add(seed)
	}
	limits := filetype.Limits{MaxUnpackedBytes: 1 << 20, MaxEntries: 100, MaxPixels: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		typ, err := inspect(data, limits)
		if err != nil {
			if typ != "" {
				t.Fatalf("Inspect() = %q with error %v", typ, err)
			}
			if !errors.Is(err, filetype.ErrNotAllowed) && !errors.Is(err, filetype.ErrUnsafeArchive) {
				t.Fatalf("Inspect() error %v (kind %s) is not a refusal of the inspection", err, apperr.KindOf(err))
			}
			return
		}
		if herr := filetype.Head(data[:min(len(data), filetype.HeadSize)]); herr != nil {
			t.Fatalf("Inspect() accepted %q but Head refuses its first bytes: %v", typ, herr)
		}
	})
}
