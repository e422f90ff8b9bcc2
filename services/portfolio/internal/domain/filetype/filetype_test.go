package filetype_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"testing"

	"github.com/titrepro/titrepro/services/portfolio/internal/domain/filetype"
	"github.com/titrepro/titrepro/services/portfolio/internal/testdocs"
)

func inspect(b []byte, limits filetype.Limits) (string, error) {
	return filetype.Inspect(bytes.NewReader(b), int64(len(b)), limits)
}

func TestInspectAcceptsTheAllowedTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"PDF", testdocs.PDF(), filetype.PDF},
		{"PNG", testdocs.PNG(), filetype.PNG},
		{"JPEG", testdocs.JPEG(), filetype.JPEG},
		{"OpenDocument text", testdocs.ODT(), filetype.ODT},
		{"Word document", testdocs.DOCX(), filetype.DOCX},
		{"Excel workbook", testdocs.XLSX(), filetype.XLSX},
		{"OpenDocument spreadsheet", testdocs.Zip(
			testdocs.Entry{Name: "mimetype", Body: []byte(filetype.ODS), Stored: true},
			testdocs.Entry{Name: "content.xml", Body: []byte("<x/>")},
		), filetype.ODS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := filetype.Head(tt.file[:filetype.HeadSize]); err != nil {
				t.Fatalf("Head() = %v", err)
			}
			got, err := inspect(tt.file, filetype.Limits{})
			if err != nil {
				t.Fatalf("Inspect() = %v", err)
			}
			if got != tt.want {
				t.Errorf("Inspect() = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestHeadRefusesDisguisesEarly(t *testing.T) {
	t.Parallel()
	for name, file := range map[string][]byte{
		"renamed Windows executable": testdocs.Exe(),
		"renamed Linux executable":   testdocs.ELF(),
		"shell script":               testdocs.Script(),
		"HTML page":                  testdocs.HTML(),
		"SVG image":                  testdocs.SVG(),
		"text":                       testdocs.Bytes(100),
		"empty":                      nil,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			head := file[:min(len(file), filetype.HeadSize)]
			if err := filetype.Head(head); !errors.Is(err, filetype.ErrNotAllowed) {
				t.Errorf("Head() = %v; want DOCUMENT_TYPE_NOT_ALLOWED", err)
			}
			if _, err := inspect(file, filetype.Limits{}); !errors.Is(err, filetype.ErrNotAllowed) {
				t.Errorf("Inspect() = %v; want DOCUMENT_TYPE_NOT_ALLOWED", err)
			}
		})
	}
}

func TestInspectRefusesWhatOnlyLooksAllowed(t *testing.T) {
	t.Parallel()
	zeros := make([]byte, 4<<20)
	tests := []struct {
		name   string
		file   []byte
		limits filetype.Limits
		want   error
	}{
		{"PDF without end-of-file marker", []byte("%PDF-1.7\nnot really\n"), filetype.Limits{}, filetype.ErrNotAllowed},
		{"PDF/HTML polyglot", testdocs.PolyglotPDF(), filetype.Limits{}, filetype.ErrNotAllowed},
		{"PNG signature with garbage", append([]byte("\x89PNG\r\n\x1a\n"), testdocs.Bytes(64)...), filetype.Limits{}, filetype.ErrNotAllowed},
		{"JPEG magic with garbage", append([]byte{0xFF, 0xD8, 0xFF}, testdocs.Bytes(64)...), filetype.Limits{}, filetype.ErrNotAllowed},
		{"pixel flood", testdocs.PNGHeader(20000, 20000), filetype.Limits{}, filetype.ErrNotAllowed},
		{"plain ZIP archive", testdocs.Zip(testdocs.Entry{Name: "a.txt", Body: []byte("x")}), filetype.Limits{}, filetype.ErrNotAllowed},
		{"ZIP holding an executable", testdocs.Zip(testdocs.Entry{Name: "setup.exe", Body: testdocs.Exe()}), filetype.Limits{}, filetype.ErrNotAllowed},
		{"OpenDocument formula type", testdocs.Zip(
			testdocs.Entry{Name: "mimetype", Body: []byte("application/vnd.oasis.opendocument.formula"), Stored: true},
			testdocs.Entry{Name: "content.xml", Body: []byte("<x/>")},
		), filetype.Limits{}, filetype.ErrNotAllowed},
		{"compressed mimetype entry", testdocs.Zip(
			testdocs.Entry{Name: "mimetype", Body: []byte(filetype.ODT)},
			testdocs.Entry{Name: "content.xml", Body: []byte("<x/>")},
		), filetype.Limits{}, filetype.ErrNotAllowed},
		{"Word document with macros", testdocs.Zip(
			testdocs.Entry{Name: "[Content_Types].xml", Body: []byte("<Types/>")},
			testdocs.Entry{Name: "word/document.xml", Body: []byte("<w/>")},
			testdocs.Entry{Name: "word/vbaProject.bin", Body: []byte("macro")},
		), filetype.Limits{}, filetype.ErrNotAllowed},
		{"zip bomb: unpacked size over the limit", testdocs.Zip(
			testdocs.Entry{Name: "[Content_Types].xml", Body: []byte("<Types/>")},
			testdocs.Entry{Name: "word/document.xml", Body: zeros},
		), filetype.Limits{MaxUnpackedBytes: 1 << 20}, filetype.ErrUnsafeArchive},
		{"zip bomb: unpacked size hidden by the central directory", declareUnpackedSize(testdocs.Zip(
			testdocs.Entry{Name: "[Content_Types].xml", Body: []byte("<Types/>")},
			testdocs.Entry{Name: "word/document.xml", Body: zeros},
		), "word/document.xml", 10), filetype.Limits{MaxUnpackedBytes: 1 << 20}, filetype.ErrUnsafeArchive},
		{"zip bomb: unpacked size hidden, under the limit", declareUnpackedSize(testdocs.Zip(
			testdocs.Entry{Name: "[Content_Types].xml", Body: []byte("<Types/>")},
			testdocs.Entry{Name: "word/document.xml", Body: zeros},
		), "word/document.xml", 10), filetype.Limits{}, filetype.ErrUnsafeArchive},
		{"a DOCX declaring 900 MiB unpacked, default limit", declareUnpackedSize(testdocs.DOCX(), "word/document.xml", 900<<20),
			filetype.Limits{}, filetype.ErrUnsafeArchive},
		{"too many entries", testdocs.Zip(
			testdocs.Entry{Name: "[Content_Types].xml", Body: []byte("<Types/>")},
			testdocs.Entry{Name: "word/document.xml", Body: []byte("<w/>")},
			testdocs.Entry{Name: "a", Body: nil}, testdocs.Entry{Name: "b", Body: nil},
		), filetype.Limits{MaxEntries: 3}, filetype.ErrUnsafeArchive},
		{"symbolic link", testdocs.Zip(
			testdocs.Entry{Name: "[Content_Types].xml", Body: []byte("<Types/>")},
			testdocs.Entry{Name: "word/document.xml", Body: []byte("/etc/passwd"), Mode: fs.ModeSymlink},
		), filetype.Limits{}, filetype.ErrUnsafeArchive},
		{"zip slip", testdocs.Zip(
			testdocs.Entry{Name: "[Content_Types].xml", Body: []byte("<Types/>")},
			testdocs.Entry{Name: "word/document.xml", Body: []byte("<w/>")},
			testdocs.Entry{Name: "../../evil.sh", Body: testdocs.Script()},
		), filetype.Limits{}, filetype.ErrUnsafeArchive},
		{"absolute path", testdocs.Zip(
			testdocs.Entry{Name: "[Content_Types].xml", Body: []byte("<Types/>")},
			testdocs.Entry{Name: "word/document.xml", Body: []byte("<w/>")},
			testdocs.Entry{Name: "/etc/cron.d/x", Body: testdocs.Script()},
		), filetype.Limits{}, filetype.ErrUnsafeArchive},
		{"truncated ZIP", testdocs.DOCX()[:40], filetype.Limits{}, filetype.ErrNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := inspect(tt.file, tt.limits)
			if !errors.Is(err, tt.want) {
				t.Errorf("Inspect() = %q, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestInspectODFWithoutCentralDirectoryEntries(t *testing.T) {
	t.Parallel()
	// A local "mimetype" header followed by an empty central directory.
	odt := testdocs.Zip(testdocs.Entry{Name: "mimetype", Body: []byte(filetype.ODT), Stored: true})
	// Keep the local entry, then an end record announcing no entries.
	cut := bytes.Index(odt, []byte("PK\x01\x02"))
	file := append(append([]byte{}, odt[:cut]...), "PK\x05\x06"+string(make([]byte, 18))...)
	if _, err := inspect(file, filetype.Limits{}); !errors.Is(err, filetype.ErrNotAllowed) {
		t.Errorf("Inspect() = %v; want DOCUMENT_TYPE_NOT_ALLOWED", err)
	}
}

// declareUnpackedSize rewrites the central directory record of the entry
// named name to declare an unpacked size of size bytes, as a zip bomb
// declares or hides its size.
func declareUnpackedSize(archive []byte, name string, size uint32) []byte {
	out := bytes.Clone(archive)
	for i := 0; ; {
		j := bytes.Index(out[i:], []byte("PK\x01\x02"))
		if j < 0 {
			panic("no central directory record for " + name)
		}
		rec := out[i+j:]
		nameLen := int(binary.LittleEndian.Uint16(rec[28:]))
		if string(rec[46:46+nameLen]) == name {
			binary.LittleEndian.PutUint32(rec[24:], size)
			return out
		}
		i += j + 4
	}
}
