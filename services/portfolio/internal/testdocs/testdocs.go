// Package testdocs builds small valid and hostile sample files for the
// tests of the upload path: one per accepted type, and the disguises an
// attacker would try (a renamed executable, a script, HTML, SVG, archives
// that are bombs, carry links or escape their folder). It is used by
// tests only.
package testdocs

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
)

// PDF returns a minimal well-formed PDF.
func PDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
		"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" +
		"trailer << /Root 1 0 R >>\n%%EOF\n")
}

// PNG returns a 4×3 PNG image.
func PNG() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, sampleImage()); err != nil {
		return nil // cannot happen with an in-memory image
	}
	return b.Bytes()
}

// JPEG returns a 4×3 JPEG image.
func JPEG() []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, sampleImage(), nil); err != nil {
		return nil
	}
	return b.Bytes()
}

func sampleImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	return img
}

// PNGHeader returns the start of a PNG whose header declares width×height
// pixels: enough for a pixel-flood test without the pixels.
func PNGHeader(width, height uint32) []byte {
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], width)
	binary.BigEndian.PutUint32(ihdr[4:], height)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr[:]...)
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// Entry is one file of a ZIP archive built by Zip.
type Entry struct {
	Name   string
	Body   []byte
	Stored bool        // no compression
	Mode   fs.FileMode // e.g. fs.ModeSymlink; 0 for a regular file
}

// Zip returns an archive with the entries in order.
func Zip(entries ...Entry) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	w.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate}
		if e.Stored {
			h.Method = zip.Store
		}
		if e.Mode != 0 {
			h.SetMode(e.Mode | 0o777)
		}
		f, err := w.CreateHeader(h)
		if err != nil {
			return nil
		}
		if _, err := f.Write(e.Body); err != nil {
			return nil
		}
	}
	if err := w.Close(); err != nil {
		return nil
	}
	return b.Bytes()
}

// ODT returns a minimal OpenDocument text.
func ODT() []byte {
	return Zip(
		Entry{Name: "mimetype", Body: []byte("application/vnd.oasis.opendocument.text"), Stored: true},
		Entry{Name: "content.xml", Body: []byte(`<?xml version="1.0"?><office:document-content/>`)},
		Entry{Name: "META-INF/manifest.xml", Body: []byte(`<?xml version="1.0"?><manifest:manifest/>`)},
	)
}

// DOCX returns a minimal Office Open XML word-processing document.
func DOCX() []byte {
	return Zip(
		Entry{Name: "[Content_Types].xml", Body: []byte(`<?xml version="1.0"?><Types/>`)},
		Entry{Name: "_rels/.rels", Body: []byte(`<?xml version="1.0"?><Relationships/>`)},
		Entry{Name: "word/document.xml", Body: []byte(`<?xml version="1.0"?><w:document/>`)},
	)
}

// XLSX returns a minimal Office Open XML spreadsheet.
func XLSX() []byte {
	return Zip(
		Entry{Name: "[Content_Types].xml", Body: []byte(`<Types/>`)},
		Entry{Name: "xl/workbook.xml", Body: []byte(`<workbook/>`)},
	)
}

// Exe returns the start of a Windows executable (the "MZ" header and DOS
// stub), whatever name it is given.
func Exe() []byte {
	b := make([]byte, 512)
	copy(b, "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")
	copy(b[78:], "This program cannot be run in DOS mode.")
	return b
}

// ELF returns the start of a Linux executable.
func ELF() []byte {
	b := make([]byte, 256)
	copy(b, "\x7fELF\x02\x01\x01")
	return b
}

// Script returns a shell script.
func Script() []byte { return []byte("#!/bin/sh\nrm -rf /\n") }

// HTML returns an HTML page with a script.
func HTML() []byte {
	return []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")
}

// SVG returns an SVG image with a script.
func SVG() []byte {
	return []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
}

// PolyglotPDF returns a file that starts as a PDF and carries an HTML page.
func PolyglotPDF() []byte {
	return []byte("%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n")
}

// Bytes returns n bytes that form no known type.
func Bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return b
}
