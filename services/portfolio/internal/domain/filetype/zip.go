package filetype

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// ODF types accepted in the "mimetype" entry.
var odfTypes = map[string]bool{ODT: true, ODS: true, ODP: true, ODG: true}

// ooxmlMainParts name the main part that makes an Office Open XML package a
// document of each type.
var ooxmlMainParts = []struct {
	name, contentType string
}{
	{"word/document.xml", DOCX},
	{"xl/workbook.xml", XLSX},
	{"ppt/presentation.xml", PPTX},
}

// Layout of the ZIP records read here (APPNOTE.TXT 4.3.7 and 4.3.16).
const (
	localHeaderLen  = 30
	eocdLen         = 22
	maxCommentLen   = 0xFFFF
	maxMimetypeLen  = 100
	maxCentralDir   = 16 << 20 // bytes of central directory read into memory at most
	zip64Marker16   = 0xFFFF
	zip64Marker32   = 0xFFFFFFFF
	methodStored    = 0
	eocdSignature   = "PK\x05\x06"
	localSignature  = "PK\x03\x04"
	odfMimetypeName = "mimetype"
)

// inspectZIP recognises OpenDocument (first entry "mimetype", stored, with
// an OpenDocument type) and Office Open XML ("[Content_Types].xml" and a
// main part in the central directory), after the archive checks.
func inspectZIP(r io.ReaderAt, size int64, limits Limits) (string, error) {
	odf, err := odfMimetype(r, size)
	if err != nil {
		return "", err
	}
	entries, err := centralDirectory(r, size, limits)
	if err != nil {
		return "", err
	}
	if len(entries) == 0 {
		return "", ErrNotAllowed.WithMessage("empty ZIP archive")
	}
	names := make(map[string]bool, len(entries))
	var unpacked uint64
	for _, f := range entries {
		if err := checkEntry(f); err != nil {
			return "", err
		}
		unpacked += f.UncompressedSize64
		if unpacked > limits.MaxUnpackedBytes {
			return "", ErrUnsafeArchive.WithMessage(fmt.Sprintf("the archive unpacks to more than %d bytes", limits.MaxUnpackedBytes))
		}
		names[f.Name] = true
	}
	if err := checkUnpacked(entries, limits.MaxUnpackedBytes); err != nil {
		return "", err
	}
	if odf != "" {
		first := entries[0]
		if first.Name != odfMimetypeName || first.Method != zip.Store || first.UncompressedSize64 != uint64(len(odf)) ||
			(!names["content.xml"] && !names["META-INF/manifest.xml"]) {
			return "", ErrNotAllowed.WithMessage("not an OpenDocument file: malformed package")
		}
		return odf, nil
	}
	if names["[Content_Types].xml"] {
		for _, p := range ooxmlMainParts {
			if names[p.name] {
				return p.contentType, nil
			}
		}
	}
	return "", ErrNotAllowed.WithMessage("ZIP archives are accepted only as OpenDocument or Office Open XML files")
}

// odfMimetype returns the OpenDocument type of the file when its first
// local entry is an uncompressed "mimetype" holding one, "" when the first
// entry is something else (maybe Office Open XML), or ErrNotAllowed for a
// "mimetype" entry with another type.
func odfMimetype(r io.ReaderAt, size int64) (string, error) {
	if size < localHeaderLen {
		return "", ErrNotAllowed.WithMessage("truncated ZIP archive")
	}
	var h [localHeaderLen + len(odfMimetypeName)]byte
	n, err := r.ReadAt(h[:], 0)
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("filetype: read ZIP local header: %w", err)
	}
	if n < localHeaderLen || string(h[:4]) != localSignature {
		return "", ErrNotAllowed.WithMessage("truncated ZIP archive")
	}
	method := binary.LittleEndian.Uint16(h[8:])
	compressed := binary.LittleEndian.Uint32(h[18:])
	nameLen := int(binary.LittleEndian.Uint16(h[26:]))
	extraLen := int64(binary.LittleEndian.Uint16(h[28:]))
	if nameLen != len(odfMimetypeName) || n < len(h) || string(h[localHeaderLen:]) != odfMimetypeName {
		return "", nil
	}
	if method != methodStored || compressed > maxMimetypeLen {
		return "", ErrNotAllowed.WithMessage("not an OpenDocument file: malformed mimetype entry")
	}
	// Writers that stream put the sizes in a data descriptor after the
	// data (compressed is then 0): the type is then recognised as the
	// start of the data, and its exact length is checked against the
	// central directory by the caller.
	value := make([]byte, maxMimetypeLen)
	read, err := r.ReadAt(value, int64(len(h))+extraLen)
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("filetype: read ZIP mimetype entry: %w", err)
	}
	value = value[:read]
	if compressed > 0 {
		if int(compressed) > len(value) {
			return "", ErrNotAllowed.WithMessage("not an OpenDocument file: truncated mimetype entry")
		}
		value = value[:compressed]
	}
	for t := range odfTypes {
		if string(value) == t || (compressed == 0 && bytes.HasPrefix(value, []byte(t))) {
			return t, nil
		}
	}
	return "", ErrNotAllowed.WithMessage("not an OpenDocument file of an accepted type (text, spreadsheet, presentation, graphics)")
}

// centralDirectory reads the archive's entries after checking, from the
// end-of-central-directory record alone, that there are not too many and
// that the directory is of a reasonable size: archive/zip would otherwise
// allocate for whatever count an attacker wrote there. ZIP64 archives
// (over 65535 entries or 4 GiB) are refused: no document needs one.
func centralDirectory(r io.ReaderAt, size int64, limits Limits) ([]*zip.File, error) {
	n := min(size, eocdLen+maxCommentLen)
	tail := make([]byte, n)
	if _, err := r.ReadAt(tail, size-n); err != nil && err != io.EOF {
		return nil, fmt.Errorf("filetype: read ZIP end record: %w", err)
	}
	i := bytes.LastIndex(tail, []byte(eocdSignature))
	if i < 0 || len(tail)-i < eocdLen {
		return nil, ErrNotAllowed.WithMessage("malformed ZIP archive: no end of central directory")
	}
	eocd := tail[i:]
	entries := binary.LittleEndian.Uint16(eocd[10:])
	dirSize := binary.LittleEndian.Uint32(eocd[12:])
	dirOffset := binary.LittleEndian.Uint32(eocd[16:])
	if entries == zip64Marker16 || dirSize == zip64Marker32 || dirOffset == zip64Marker32 {
		return nil, ErrUnsafeArchive.WithMessage("ZIP64 archives are refused")
	}
	if int(entries) > limits.MaxEntries {
		return nil, ErrUnsafeArchive.WithMessage(fmt.Sprintf("the archive has %d entries, at most %d are accepted", entries, limits.MaxEntries))
	}
	if dirSize > maxCentralDir {
		return nil, ErrUnsafeArchive.WithMessage("the archive's central directory is too large")
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, ErrNotAllowed.WithMessage("malformed ZIP archive").WithCause(err)
	}
	return zr.File, nil
}

// checkUnpacked decompresses every entry, discarding the bytes, and
// refuses the archive when together they unpack to more than max: the
// sizes the central directory declares may lie, and a document nobody
// could open is no evidence. archive/zip refuses an entry that unpacks to
// more than it declares (or fails its CRC), so at most max + 1 bytes
// are ever decompressed.
func checkUnpacked(entries []*zip.File, max uint64) error {
	var total uint64
	for _, f := range entries {
		if f.Mode().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return ErrNotAllowed.WithMessage(fmt.Sprintf("the archive entry %q cannot be read", f.Name)).WithCause(err)
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, int64(max-total)+1))
		_ = rc.Close()
		total += uint64(n)
		switch {
		case total > max:
			return ErrUnsafeArchive.WithMessage(fmt.Sprintf("the archive unpacks to more than %d bytes", max))
		case err != nil:
			return ErrUnsafeArchive.WithMessage(fmt.Sprintf("the archive entry %q does not unpack to what it declares", f.Name)).WithCause(err)
		}
	}
	return nil
}

// checkEntry refuses entries that could hurt whoever unpacks the file:
// symbolic links, absolute or escaping paths (zip slip), and macro
// projects (vbaProject.bin in Office, Basic/ and Scripts/ in OpenDocument).
func checkEntry(f *zip.File) error {
	name := f.Name
	switch {
	case f.Mode()&fs.ModeSymlink != 0:
		return ErrUnsafeArchive.WithMessage(fmt.Sprintf("the archive holds a symbolic link: %q", name))
	case name == "" || strings.ContainsAny(name, "\\\x00") || strings.HasPrefix(name, "/") ||
		!fs.ValidPath(strings.TrimSuffix(name, "/")):
		return ErrUnsafeArchive.WithMessage(fmt.Sprintf("the archive holds an unsafe path: %q", name))
	case strings.EqualFold(path.Base(name), "vbaProject.bin") ||
		strings.HasPrefix(name, "Basic/") || strings.HasPrefix(name, "Scripts/"):
		return ErrNotAllowed.WithMessage("documents with macros are not accepted")
	}
	return nil
}
