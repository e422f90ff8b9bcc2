package dossier

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kind is the section of the dossier a document belongs to.
type Kind string

// The document kinds.
const (
	KindIllustrative Kind = "ILLUSTRATIVE"
	KindAnnex        Kind = "ANNEX"
	KindEvidence     Kind = "EVIDENCE"
)

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool {
	return k == KindIllustrative || k == KindAnnex || k == KindEvidence
}

// Document is the metadata of a file attached to a dossier. The content is
// stored once per SHA-256 and never changes.
type Document struct {
	ID          string
	FileName    string // sanitised (SanitizeFileName)
	ContentType string // found by inspecting the content
	Size        int64
	SHA256      string // hex
	Kind        Kind
	CreatedAt   time.Time
}

// Limits bound what a dossier may hold.
type Limits struct {
	MaxDocumentBytes int64 // per file
	MaxDossierBytes  int64 // sum of the files of a dossier
	MaxDocuments     int   // number of files of a dossier
}

// DefaultMaxDocuments is the default number of files a dossier may hold.
const DefaultMaxDocuments = 100

// maxFileName is the longest file name kept, in bytes (the usual file
// system limit).
const maxFileName = 255

// MaxRawFileName bounds the file name an upload may give, in bytes, before
// it is sanitised: room for a full Windows path, which SanitizeFileName
// cuts to its last element; anything longer is refused, not cut.
const MaxRawFileName = 1024

// fallbackFileName replaces a name with nothing left after sanitising.
const fallbackFileName = "document"

// SanitizeFileName keeps what is safe to show of an uploaded file's name:
// the last path element only (no folders, whatever the separator), valid
// UTF-8 without control or invisible formatting characters (a right-to-left
// override would let "exe.pdf" pose as a PDF), without surrounding spaces
// and dots, cut to 255 bytes keeping the extension. The name is only ever
// used in Content-Disposition: files are stored by their hash.
func SanitizeFileName(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if name == "" {
		return fallbackFileName
	}
	if len(name) <= maxFileName {
		return name
	}
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= 16 {
		ext = name[i:]
	}
	return truncateUTF8(name[:len(name)-len(ext)], maxFileName-len(ext)) + ext
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
