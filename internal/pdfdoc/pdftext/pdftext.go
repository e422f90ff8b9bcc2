// Package pdftext extracts the text of a PDF document for tests, with
// pdftotext from poppler-utils (Debian: apt-get install poppler-utils), a
// real extractor rather than this code's own reading of its output.
package pdftext

import (
	"bytes"
	"image"
	_ "image/png" // pdfimages -png writes PNG files
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Extract returns the text of pdf with every run of white space made one
// space, so that text wrapped over lines compares as written. It fails t
// when pdftotext is missing or fails: a test that checks a PDF's text must
// not pass without reading it.
func Extract(t testing.TB, pdf []byte) string {
	t.Helper()
	path, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils) is required to check the PDF documents: %v", err)
	}
	cmd := exec.Command(path, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, errOut.String())
	}
	return strings.Join(strings.Fields(out.String()), " ")
}

// Images returns the images embedded in pdf as PNG files, in page order,
// extracted with pdfimages from poppler-utils. It fails t when pdfimages
// is missing or fails.
func Images(t testing.TB, pdf []byte) [][]byte {
	t.Helper()
	path, err := exec.LookPath("pdfimages")
	if err != nil {
		t.Fatalf("pdfimages (poppler-utils) is required to check the PDF documents' images: %v", err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(path, "-png", in, filepath.Join(dir, "img")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages: %v: %s", err, out)
	}
	names, err := filepath.Glob(filepath.Join(dir, "img-*.png"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	imgs := make([][]byte, 0, len(names))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, b)
	}
	return imgs
}

// QRCode returns the text of the QR code that is pdf's one image. The
// image is read as a pure barcode (the QR code alone, as the document
// embeds it): gozxing's general detector, meant for photographs, misses
// the finder patterns of about 3 in 100 perfectly drawn codes (9 of 300
// measured), which made the tests flaky without saying anything about the
// document.
func QRCode(t testing.TB, pdf []byte) string {
	t.Helper()
	imgs := Images(t, pdf)
	if len(imgs) != 1 {
		t.Fatalf("the document has %d images; want its QR code alone", len(imgs))
	}
	img, _, err := image.Decode(bytes.NewReader(imgs[0]))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		t.Fatalf("the QR code is unreadable: %v", err)
	}
	return res.GetText()
}
