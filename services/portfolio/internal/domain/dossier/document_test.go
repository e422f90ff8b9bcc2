package dossier_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

func TestSanitizeFileName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 200) + ".pdf" // 404 bytes
	tests := []struct {
		name, in, want string
	}{
		{"plain name kept", "attestation AFPA.pdf", "attestation AFPA.pdf"},
		{"unix path removed", "../../etc/passwd", "passwd"},
		{"windows path removed", `C:\Users\cam\Documents\cv.docx`, "cv.docx"},
		{"control characters removed", "a\x00b\r\nc.pdf", "abc.pdf"},
		{"right-to-left override removed", "invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"surrounding dots and spaces trimmed", "  ..hidden.pdf. ", "hidden.pdf"},
		{"nothing left gives a fallback", "../", "document"},
		{"invalid UTF-8 replaced", "a\xffb.pdf", "a\uFFFDb.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := dossier.SanitizeFileName(tt.in); got != tt.want {
				t.Errorf("SanitizeFileName(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
	got := dossier.SanitizeFileName(long)
	if len(got) > 255 || !utf8.ValidString(got) || !strings.HasSuffix(got, ".pdf") {
		t.Errorf("SanitizeFileName(long) = %q (%d bytes); want ≤ 255 valid bytes ending in .pdf", got, len(got))
	}
}

func TestAddDocumentLimits(t *testing.T) {
	t.Parallel()
	limits := dossier.Limits{MaxDocumentBytes: 1000, MaxDossierBytes: 1500, MaxDocuments: 3}
	doc := func(id string, size int64) dossier.Document {
		return dossier.Document{ID: id, FileName: id + ".pdf", ContentType: "application/pdf", Size: size, SHA256: strings.Repeat("a", 64), Kind: dossier.KindAnnex}
	}
	d := newDossier(t, complete())
	if err := d.AddDocument(doc("big", 1001), limits, now); !errors.Is(err, dossier.ErrDocumentTooLarge) {
		t.Errorf("AddDocument(over the file limit) = %v; want DOCUMENT_TOO_LARGE", err)
	}
	if err := d.AddDocument(doc("a", 1000), limits, now); err != nil {
		t.Fatalf("AddDocument(at the file limit) = %v", err)
	}
	if err := d.AddDocument(doc("b", 501), limits, now); !errors.Is(err, dossier.ErrDossierTooLarge) {
		t.Errorf("AddDocument(over the dossier limit) = %v; want DOSSIER_TOO_LARGE", err)
	}
	for _, id := range []string{"b", "c"} {
		if err := d.AddDocument(doc(id, 1), limits, now); err != nil {
			t.Fatalf("AddDocument(%s) = %v", id, err)
		}
	}
	if err := d.AddDocument(doc("d", 1), limits, now); !errors.Is(err, dossier.ErrTooManyDocuments) {
		t.Errorf("AddDocument(over the count) = %v; want DOSSIER_DOCUMENT_LIMIT", err)
	}
	if d.TotalDocumentBytes() != 1002 || len(d.Documents()) != 3 || d.Version() != 4 {
		t.Errorf("total %d, documents %d, version %d", d.TotalDocumentBytes(), len(d.Documents()), d.Version())
	}
	if err := d.RemoveDocument("a", now); err != nil {
		t.Fatal(err)
	}
	if err := d.RemoveDocument("a", now); !errors.Is(err, dossier.ErrDocumentNotFound) {
		t.Errorf("RemoveDocument(twice) = %v; want DOCUMENT_NOT_FOUND", err)
	}
	if _, ok := d.Document("b"); !ok {
		t.Errorf("Document(b) not found")
	}
}
