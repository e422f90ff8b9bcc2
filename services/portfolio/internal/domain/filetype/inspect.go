package filetype

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // registers the JPEG header parser for image.DecodeConfig
	_ "image/png"  // registers the PNG header parser for image.DecodeConfig
	"io"
	"regexp"
)

// Limits bound what Inspect accepts.
type Limits struct {
	// MaxPixels bounds width × height of an image (pixel flood, ASVS
	// 5.2.6); 0 means DefaultMaxPixels.
	MaxPixels int64
	// MaxEntries bounds the entries of an archive; 0 means
	// DefaultMaxEntries.
	MaxEntries int
	// MaxUnpackedBytes bounds the unpacked size of an archive, as declared
	// by its central directory and as actually decompressed; 0 means
	// DefaultMaxUnpackedBytes.
	MaxUnpackedBytes uint64
}

// Defaults of Limits.
const (
	DefaultMaxPixels  = 100_000_000 // 100 megapixels
	DefaultMaxEntries = 5000
	// DefaultMaxUnpackedBytes: ten times the largest document, room for a
	// spreadsheet of plain text; a document never needs more.
	DefaultMaxUnpackedBytes = 256 << 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxUnpackedBytes == 0 {
		l.MaxUnpackedBytes = DefaultMaxUnpackedBytes
	}
	return l
}

// imageHeaderWindow is how much of an image DecodeConfig may read to find
// the dimensions: JPEG metadata segments come before the frame header.
const imageHeaderWindow = 1 << 20

// pdfTrailerWindow is where a PDF's "%%EOF" must be: readers tolerate up to
// 1024 bytes of trailing garbage.
const pdfTrailerWindow = 1024

var pdfHeader = regexp.MustCompile(`^%PDF-[12]\.[0-9]`)

// markupRE finds HTML or SVG markup at the start of a PDF: the mark of a
// PDF/HTML polyglot, which a browser could render as a page.
var markupRE = regexp.MustCompile(`(?i)<\s*(html|head|body|script|svg|iframe|!doctype)`)

// Inspect returns the content type of a complete file of size bytes read
// through r, or ErrNotAllowed, or ErrUnsafeArchive.
func Inspect(r io.ReaderAt, size int64, limits Limits) (string, error) {
	limits = limits.withDefaults()
	head := make([]byte, min(size, 512))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return "", fmt.Errorf("filetype: read head: %w", err)
	}
	switch familyOf(head) {
	case famPDF:
		return inspectPDF(r, size, head)
	case famPNG, famJPEG:
		return inspectImage(r, size, limits)
	case famZIP:
		return inspectZIP(r, size, limits)
	default:
		return "", ErrNotAllowed
	}
}

// inspectPDF checks the header version and the end-of-file marker, which
// every PDF writer emits and which a renamed or truncated file lacks.
func inspectPDF(r io.ReaderAt, size int64, head []byte) (string, error) {
	if !pdfHeader.Match(head) {
		return "", ErrNotAllowed.WithMessage("not a PDF file: malformed header")
	}
	if markupRE.Match(head) {
		return "", ErrNotAllowed.WithMessage("a PDF that is also an HTML or SVG document is refused")
	}
	n := min(size, pdfTrailerWindow)
	tail := make([]byte, n)
	if _, err := r.ReadAt(tail, size-n); err != nil && err != io.EOF {
		return "", fmt.Errorf("filetype: read PDF trailer: %w", err)
	}
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return "", ErrNotAllowed.WithMessage("not a PDF file: no end-of-file marker")
	}
	return PDF, nil
}

// inspectImage parses the image header with the standard library decoders
// and refuses pixel floods.
func inspectImage(r io.ReaderAt, size int64, limits Limits) (string, error) {
	cfg, format, err := image.DecodeConfig(io.NewSectionReader(r, 0, min(size, imageHeaderWindow)))
	if err != nil {
		return "", ErrNotAllowed.WithMessage("not a valid PNG or JPEG image").WithCause(err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > limits.MaxPixels {
		return "", ErrNotAllowed.WithMessage(fmt.Sprintf("image of %d×%d pixels refused: at most %d pixels",
			cfg.Width, cfg.Height, limits.MaxPixels))
	}
	switch format {
	case "png":
		return PNG, nil
	case "jpeg":
		return JPEG, nil
	default:
		return "", ErrNotAllowed
	}
}
