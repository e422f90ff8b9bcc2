// Package pdfdoc writes the plain documents the services hand to people as
// PDF (the minutes of a session, a candidate's result sheet): A4, the PDF
// core fonts, French text through the cp1252 encoding those fonts use
// (accents, œ, « », ’ and € included), a footer with the page number and
// the document's fingerprint. It knows nothing of what the documents say.
package pdfdoc

import (
	"bytes"
	"fmt"
	"time"
	_ "time/tzdata" // times are printed in Europe/Paris even on hosts without a zoneinfo database

	"codeberg.org/go-pdf/fpdf"
)

// Layout constants, in millimetres and points.
const (
	margin     = 18.0
	lineHeight = 5.0
	bodySize   = 10.0
)

// Doc is a document being written. Its methods write from top to bottom;
// pages break by themselves.
type Doc struct {
	pdf *fpdf.Fpdf
	tr  func(string) string
}

// New starts a document titled title, dated at (its PDF creation date,
// so that the same content gives the same bytes), whose footer prints
// footer (e.g. the content hash) and the page number on every page.
func New(title, footer string, at time.Time) *Doc {
	pdf := fpdf.New("P", "mm", "A4", "")
	d := &Doc{pdf: pdf, tr: pdf.UnicodeTranslatorFromDescriptor("")}
	pdf.SetTitle(title, true)
	pdf.SetCreator("titrepro", false)
	pdf.SetCreationDate(at.UTC())
	pdf.SetModificationDate(at.UTC())
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+6)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin)
		pdf.SetFont("Helvetica", "", 7)
		pdf.CellFormat(0, 4, d.tr(footer), "", 1, "L", false, 0, "")
		pdf.CellFormat(0, 4, d.tr(fmt.Sprintf("Page %d/{nb}", pdf.PageNo())), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	return d
}

// Title writes the document's title.
func (d *Doc) Title(s string) {
	d.pdf.SetFont("Helvetica", "B", 15)
	d.pdf.MultiCell(0, 7, d.tr(s), "", "C", false)
	d.pdf.Ln(3)
}

// Heading writes a section heading.
func (d *Doc) Heading(s string) {
	d.pdf.Ln(2)
	d.pdf.SetFont("Helvetica", "B", 12)
	d.pdf.MultiCell(0, 6, d.tr(s), "B", "L", false)
	d.pdf.Ln(1)
}

// Field writes "label : value" on one line, wrapping a long value.
func (d *Doc) Field(label, value string) {
	d.pdf.SetFont("Helvetica", "B", bodySize)
	w := d.pdf.GetStringWidth(d.tr(label+" : ")) + 1
	d.pdf.CellFormat(w, lineHeight, d.tr(label+" : "), "", 0, "L", false, 0, "")
	d.pdf.SetFont("Helvetica", "", bodySize)
	d.pdf.MultiCell(0, lineHeight, d.tr(value), "", "L", false)
}

// Text writes a paragraph, indented by indent millimetres.
func (d *Doc) Text(indent float64, s string) {
	d.pdf.SetFont("Helvetica", "", bodySize)
	d.pdf.SetX(margin + indent)
	d.pdf.MultiCell(0, lineHeight, d.tr(s), "", "L", false)
}

// Strong writes a bold paragraph, indented by indent millimetres.
func (d *Doc) Strong(indent float64, s string) {
	d.pdf.SetFont("Helvetica", "B", bodySize)
	d.pdf.SetX(margin + indent)
	d.pdf.MultiCell(0, lineHeight, d.tr(s), "", "L", false)
}

// Fingerprint writes a hash or other identifier in a fixed-width font, so
// that a reader can compare it character by character.
func (d *Doc) Fingerprint(label, value string) {
	d.pdf.SetFont("Helvetica", "B", bodySize)
	d.pdf.MultiCell(0, lineHeight, d.tr(label), "", "L", false)
	d.pdf.SetFont("Courier", "", 9)
	d.pdf.MultiCell(0, lineHeight, value, "", "L", false)
}

// PNG draws a PNG image (e.g. a QR code) of size×size millimetres,
// centred, below the current line, registered under name (one name per
// image of the document).
func (d *Doc) PNG(name string, png []byte, size float64) {
	opt := fpdf.ImageOptions{ImageType: "PNG", ReadDpi: false}
	d.pdf.RegisterImageOptionsReader(name, opt, bytes.NewReader(png))
	w, _ := d.pdf.GetPageSize()
	d.pdf.ImageOptions(name, (w-size)/2, d.pdf.GetY(), size, size, true, opt, 0, "")
}

// Centred writes a centred paragraph in size points, bold when bold.
func (d *Doc) Centred(s string, size float64, bold bool) {
	style := ""
	if bold {
		style = "B"
	}
	d.pdf.SetFont("Helvetica", style, size)
	d.pdf.MultiCell(0, size*0.5, d.tr(s), "", "C", false)
}

// Space leaves a blank of h millimetres.
func (d *Doc) Space(h float64) { d.pdf.Ln(h) }

// Bytes finishes the document and returns it.
func (d *Doc) Bytes() ([]byte, error) {
	var b bytes.Buffer
	if err := d.pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("pdfdoc: %w", err)
	}
	return b.Bytes(), nil
}

// ContentType is the media type of the documents.
const ContentType = "application/pdf"

// paris is the time zone of the printed times.
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil { // cannot happen with time/tzdata embedded
		panic(err)
	}
	return loc
}()

// DateTimeFR prints an instant as a person in France reads it:
// "03/06/2026 à 17:30" (Europe/Paris).
func DateTimeFR(t time.Time) string { return t.In(paris).Format("02/01/2006 à 15:04") }

// DateFR prints an instant's date in Europe/Paris: "03/06/2026".
func DateFR(t time.Time) string { return t.In(paris).Format("02/01/2006") }

// CivilDateFR prints a civil date "YYYY-MM-DD" as "03/06/2026"; anything
// else is printed as it is, so that a document never hides a value it
// could not read.
func CivilDateFR(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("02/01/2006")
}
