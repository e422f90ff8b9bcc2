package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/command"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/query"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/filetype"
	"github.com/titrepro/titrepro/services/portfolio/internal/testdocs"
)

func TestUpload_AcceptsTheAllowedTypesByContent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, fileName string
		content        []byte
		want           string
	}{
		{"PDF", "attestation.pdf", testdocs.PDF(), filetype.PDF},
		{"PNG named .jpg", "schema.jpg", testdocs.PNG(), filetype.PNG},
		{"JPEG without extension", "photo", testdocs.JPEG(), filetype.JPEG},
		{"OpenDocument text", "rapport.odt", testdocs.ODT(), filetype.ODT},
		{"Word document", "cv.docx", testdocs.DOCX(), filetype.DOCX},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			d := e.create(t, dossier.Content{})
			doc, err := e.upload(as(alice), d.ID(), "C:\\Users\\cam\\"+tt.fileName, tt.content)
			require.NoError(t, err)
			sum := sha256.Sum256(tt.content)
			require.Equal(t, tt.want, doc.ContentType, "the type comes from the content")
			require.Equal(t, tt.fileName, doc.FileName, "the name is sanitised")
			require.Equal(t, int64(len(tt.content)), doc.Size)
			require.Equal(t, hex.EncodeToString(sum[:]), doc.SHA256)
			require.Equal(t, []string{"sha256/" + doc.SHA256}, e.keys(t), "stored by hash, no temporary left")

			got, r, err := e.app.Queries.DownloadDocument.Handle(as(alice), query.DownloadDocument{DossierID: d.ID(), DocumentID: doc.ID})
			require.NoError(t, err)
			require.Equal(t, doc, got)
			require.Equal(t, tt.content, read(t, r))
		})
	}
}

// countingReader serves content and counts what was read from it.
type countingReader struct {
	r    io.Reader
	read int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	return n, err
}

// endless yields head then filler bytes for ever.
type endless struct {
	head []byte
	sent int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if e.sent < len(e.head) {
			c := copy(p[n:], e.head[e.sent:])
			n += c
			e.sent += c
			continue
		}
		p[n] = 0
		n++
	}
	return n, nil
}

func TestUpload_RefusalsStoreNothing(t *testing.T) {
	t.Parallel()
	pdfOfSize := func(n int) []byte {
		b := make([]byte, n)
		copy(b, "%PDF-1.4\n")
		copy(b[n-7:], "\n%%EOF\n")
		return b
	}
	tests := []struct {
		name     string
		fileName string
		kind     dossier.Kind
		content  io.Reader
		kindWant apperr.Kind
		reason   string
		maxRead  int64 // the stream must be cut early: at most this many bytes read; 0 = not checked
	}{
		{"over the per-file limit", "big.pdf", dossier.KindAnnex, bytes.NewReader(pdfOfSize(1<<20 + 1)),
			apperr.KindResourceExhausted, "DOCUMENT_TOO_LARGE", 0},
		{"an endless stream is cut at the limit", "endless.pdf", dossier.KindAnnex, &endless{head: []byte("%PDF-1.4\n")},
			apperr.KindResourceExhausted, "DOCUMENT_TOO_LARGE", 1<<20 + 64<<10},
		{"renamed executable", "cv.pdf", dossier.KindAnnex, bytes.NewReader(testdocs.Exe()),
			apperr.KindInvalidArgument, "DOCUMENT_TYPE_NOT_ALLOWED", 0},
		{"a large renamed executable is refused on its first chunk", "setup.pdf", dossier.KindAnnex, &endless{head: testdocs.Exe()},
			apperr.KindInvalidArgument, "DOCUMENT_TYPE_NOT_ALLOWED", 64 << 10},
		{"Linux executable", "photo.png", dossier.KindAnnex, bytes.NewReader(testdocs.ELF()),
			apperr.KindInvalidArgument, "DOCUMENT_TYPE_NOT_ALLOWED", 0},
		{"shell script", "notes.pdf", dossier.KindAnnex, bytes.NewReader(testdocs.Script()),
			apperr.KindInvalidArgument, "DOCUMENT_TYPE_NOT_ALLOWED", 0},
		{"HTML page", "page.pdf", dossier.KindAnnex, bytes.NewReader(testdocs.HTML()),
			apperr.KindInvalidArgument, "DOCUMENT_TYPE_NOT_ALLOWED", 0},
		{"SVG image", "image.png", dossier.KindAnnex, bytes.NewReader(testdocs.SVG()),
			apperr.KindInvalidArgument, "DOCUMENT_TYPE_NOT_ALLOWED", 0},
		{"PDF/HTML polyglot", "doc.pdf", dossier.KindAnnex, bytes.NewReader(testdocs.PolyglotPDF()),
			apperr.KindInvalidArgument, "DOCUMENT_TYPE_NOT_ALLOWED", 0},
		{"plain ZIP", "archive.docx", dossier.KindAnnex, bytes.NewReader(testdocs.Zip(testdocs.Entry{Name: "a.exe", Body: testdocs.Exe()})),
			apperr.KindInvalidArgument, "DOCUMENT_TYPE_NOT_ALLOWED", 0},
		{"empty file", "empty.pdf", dossier.KindAnnex, bytes.NewReader(nil),
			apperr.KindInvalidArgument, "DOCUMENT_EMPTY", 0},
		{"three bytes", "tiny.pdf", dossier.KindAnnex, bytes.NewReader([]byte("%PD")),
			apperr.KindInvalidArgument, "DOCUMENT_TYPE_NOT_ALLOWED", 0},
		{"no file name", " ", dossier.KindAnnex, bytes.NewReader(testdocs.PDF()),
			apperr.KindInvalidArgument, "INVALID_ARGUMENT", 1},
		{"no kind", "a.pdf", "", bytes.NewReader(testdocs.PDF()),
			apperr.KindInvalidArgument, "INVALID_ARGUMENT", 1},
		{"a file name of 100,000 characters", strings.Repeat("a", 100_000) + ".pdf", dossier.KindAnnex, bytes.NewReader(testdocs.PDF()),
			apperr.KindInvalidArgument, "INVALID_ARGUMENT", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			d := e.create(t, dossier.Content{})
			src := &countingReader{r: tt.content}
			_, _, err := e.app.Commands.UploadDocument.Handle(as(alice), command.UploadDocument{
				DossierID: d.ID(), FileName: tt.fileName, Kind: tt.kind, Content: src,
			})
			require.Error(t, err)
			require.Equal(t, tt.kindWant, apperr.KindOf(err), "%v", err)
			require.Equal(t, tt.reason, reasonOf(err), "%v", err)
			if tt.maxRead > 0 {
				require.LessOrEqual(t, src.read, tt.maxRead, "bytes read before refusing")
			}
			require.Empty(t, e.keys(t), "a refused upload leaves nothing in the store")
			stored, err := e.app.Queries.DossierByID.Handle(as(alice), d.ID())
			require.NoError(t, err)
			require.Empty(t, stored.Documents(), "a refused upload adds no document")
			require.Equal(t, d.Version(), stored.Version())
		})
	}
}

func TestUpload_PerDossierLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.create(t, dossier.Content{})
	pdf := func(n int, fill byte) []byte {
		b := bytes.Repeat([]byte{fill}, n)
		copy(b, "%PDF-1.4\n")
		copy(b[n-7:], "\n%%EOF\n")
		return b
	}
	for i := range 3 { // 3 MiB: the dossier limit
		_, err := e.upload(as(alice), d.ID(), "part.pdf", pdf(1<<20, byte('a'+i)))
		require.NoError(t, err)
	}
	_, err := e.upload(as(alice), d.ID(), "one-more.pdf", pdf(100, 'z'))
	require.Equal(t, apperr.KindResourceExhausted, apperr.KindOf(err))
	require.Equal(t, "DOSSIER_TOO_LARGE", reasonOf(err))
	require.Len(t, e.keys(t), 3)
}

func TestUpload_SameContentIsStoredOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.create(t, dossier.Content{})
	a, err := e.upload(as(alice), d.ID(), "a.pdf", testdocs.PDF())
	require.NoError(t, err)
	b, err := e.upload(as(alice), d.ID(), "b.pdf", testdocs.PDF())
	require.NoError(t, err)
	require.NotEqual(t, a.ID, b.ID)
	require.Equal(t, a.SHA256, b.SHA256)
	require.Len(t, e.keys(t), 1)
}

// failingReader breaks after its content, as a client that disconnects.
type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if errors.Is(err, io.EOF) {
		return n, f.err
	}
	return n, err
}

func TestUpload_AbortedStreamStoresNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.create(t, dossier.Content{})
	cut := errors.New("client went away")
	_, _, err := e.app.Commands.UploadDocument.Handle(as(alice), command.UploadDocument{
		DossierID: d.ID(), FileName: "a.pdf", Kind: dossier.KindAnnex,
		Content: &failingReader{r: bytes.NewReader(testdocs.PDF()), err: cut},
	})
	require.ErrorIs(t, err, cut)
	require.Empty(t, e.keys(t))
}

func TestUpload_OnlyTheOwnerUploadsAndNothingIsRead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.create(t, dossier.Content{})
	for _, p := range []context.Context{as(bob), as(centre1), as(juror1), as(ministry)} {
		src := &countingReader{r: bytes.NewReader(testdocs.PDF())}
		_, _, err := e.app.Commands.UploadDocument.Handle(p, command.UploadDocument{
			DossierID: d.ID(), FileName: "a.pdf", Kind: dossier.KindAnnex, Content: src,
		})
		require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err), "%v", err)
		require.Zero(t, src.read, "no byte is read for a caller who may not upload")
	}
	require.Empty(t, e.keys(t))
	_, _, err := e.app.Commands.UploadDocument.Handle(as(bob), command.UploadDocument{
		DossierID: "no-such-dossier", FileName: "a.pdf", Kind: dossier.KindAnnex, Content: bytes.NewReader(nil),
	})
	require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err), "an unknown dossier is not revealed")
}
