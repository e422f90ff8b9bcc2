// Package filetype decides, from the content alone, whether an uploaded
// file is of an allowed type, and which: PDF, PNG, JPEG, OpenDocument
// (text, spreadsheet, presentation, graphics) and Office Open XML (Word,
// Excel, PowerPoint). Extensions and client-declared types are never
// looked at (OWASP ASVS 5.2.2).
//
// The decision has two steps. Head looks at the first bytes while the
// upload is still streaming, so that a renamed executable, a script, HTML
// or SVG is refused before the rest is read. Inspect then checks the
// complete file with a parser of its format: the PDF trailer, the image
// header (and its pixel count), and for the ZIP-based formats the local
// header of the first entry and the central directory. Archives are
// checked before anything is decompressed (ASVS 5.2.3, 5.2.5, 5.3.3):
// entry count, declared unpacked size, no symbolic link, no path leaving
// the archive, no macro project. Nothing is ever extracted.
package filetype

import (
	"bytes"

	"github.com/titrepro/titrepro/internal/apperr"
)

// The content types this package accepts.
const (
	PDF  = "application/pdf"
	PNG  = "image/png"
	JPEG = "image/jpeg"

	ODT = "application/vnd.oasis.opendocument.text"
	ODS = "application/vnd.oasis.opendocument.spreadsheet"
	ODP = "application/vnd.oasis.opendocument.presentation"
	ODG = "application/vnd.oasis.opendocument.graphics"

	DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)

// Errors of the inspection.
var (
	// ErrNotAllowed: the content is not of an allowed type.
	ErrNotAllowed = apperr.New(apperr.KindInvalidArgument, "DOCUMENT_TYPE_NOT_ALLOWED",
		"the document type is not allowed: send a PDF, PNG, JPEG, OpenDocument or Office Open XML file")
	// ErrUnsafeArchive: an OpenDocument or Office Open XML file whose
	// archive could harm the server or a reader (too many entries, too
	// large once unpacked, symbolic links, paths leaving the archive).
	ErrUnsafeArchive = apperr.New(apperr.KindInvalidArgument, "DOCUMENT_ARCHIVE_UNSAFE",
		"the document's archive structure is refused")
)

// HeadSize is how many leading bytes Head needs to decide: the longest
// magic number it knows (PNG's).
const HeadSize = 8

// family is the format a file announces with its first bytes.
type family int

const (
	famNone family = iota
	famPDF
	famPNG
	famJPEG
	famZIP
)

var (
	magicPDF  = []byte("%PDF-")
	magicPNG  = []byte("\x89PNG\r\n\x1a\n")
	magicJPEG = []byte{0xFF, 0xD8, 0xFF}
	magicZIP  = []byte("PK\x03\x04")
)

func familyOf(head []byte) family {
	switch {
	case bytes.HasPrefix(head, magicPDF):
		return famPDF
	case bytes.HasPrefix(head, magicPNG):
		return famPNG
	case bytes.HasPrefix(head, magicJPEG):
		return famJPEG
	case bytes.HasPrefix(head, magicZIP):
		return famZIP
	default:
		return famNone
	}
}

// Head returns ErrNotAllowed when the first bytes of a file (at least
// HeadSize of them, or the whole file when shorter) cannot start an allowed
// type. Everything else still needs Inspect.
func Head(head []byte) error {
	if familyOf(head) == famNone {
		return ErrNotAllowed
	}
	return nil
}
