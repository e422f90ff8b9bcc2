package catalogue

import (
	"fmt"
	"strings"

	"github.com/titrepro/titrepro/internal/apperr"
)

// Errors of the package. Match them with errors.Is (apperr matches on Reason).
var (
	// ErrInvalidTitleVersion reports a title file or value that breaks the
	// format or a rule; Violations name every bad field, Rule the first rule.
	ErrInvalidTitleVersion = apperr.New(apperr.KindInvalidArgument, "TITLE_VERSION_INVALID", "invalid title version")
	// ErrTitleVersionChanged reports a known (code, version) whose content
	// differs from the loaded one: a published version is immutable.
	ErrTitleVersionChanged = apperr.New(apperr.KindFailedPrecondition, "TITLE_VERSION_IMMUTABLE",
		"a published title version cannot change; publish a new version")
	// ErrCorruptTitleVersion reports stored content that no longer decodes
	// or validates; it is a server fault, not a client one.
	ErrCorruptTitleVersion = apperr.New(apperr.KindInternal, "TITLE_VERSION_CORRUPT", "stored title version is not valid")
	// ErrNoReferentials reports a referential folder without any *.yaml file.
	ErrNoReferentials = apperr.New(apperr.KindFailedPrecondition, "TITLE_REFERENTIALS_EMPTY", "no title referential (*.yaml) found")
	// ErrCcpNotInTitle reports a CCP code that the title version does not have.
	ErrCcpNotInTitle = apperr.New(apperr.KindInvalidArgument, "CCP_NOT_IN_TITLE", "CCP is not part of the title version")
	// ErrEmptyCcpScope reports a scope that names no CCP.
	ErrEmptyCcpScope = apperr.New(apperr.KindInvalidArgument, "CCP_SCOPE_EMPTY", "the scope names no CCP")
)

// violation is one problem found in a title, before it is formatted.
type violation struct {
	file  string // file name; "" when the title did not come from a file
	line  int    // 1-based; 0 when unknown
	field string // path in the file, "ccps[1].competences"; "" for the whole document
	rule  string // "R1" when a rule of docs/domain.md §17 applies
	msg   string
}

func (v violation) text() string {
	if v.rule != "" {
		return v.rule + ": " + v.msg
	}
	return v.msg
}

// invalidError turns violations into one ErrInvalidTitleVersion: each
// FieldViolation has the field path and "file:line: rule: description", the
// message joins "file:line: field: rule: description" for all of them, Rule
// is the first rule violated and Meta["file"] the file when there is one.
func invalidError(vs []violation) *apperr.Error {
	lines := make([]string, 0, len(vs))
	fvs := make([]apperr.FieldViolation, 0, len(vs))
	rule := ""
	for _, v := range vs {
		where := position(v.file, v.line)
		desc := where + v.text()
		fvs = append(fvs, apperr.FieldViolation{Field: v.field, Description: desc})
		if v.field != "" {
			lines = append(lines, where+v.field+": "+v.text())
		} else {
			lines = append(lines, desc)
		}
		if rule == "" {
			rule = v.rule
		}
	}
	e := ErrInvalidTitleVersion.WithMessage(strings.Join(lines, "; "))
	if len(vs) > 0 && vs[0].file != "" {
		e = e.WithMeta("file", vs[0].file)
	}
	e.Violations = fvs
	e.Rule = rule
	return e
}

// position renders "file:line: ", "file: " or "" (no file).
func position(file string, line int) string {
	switch {
	case file == "":
		return ""
	case line > 0:
		return fmt.Sprintf("%s:%d: ", file, line)
	default:
		return file + ": "
	}
}
