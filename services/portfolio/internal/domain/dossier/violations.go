package dossier

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
)

// violations collects every bad field of a request so that a client can fix
// them all in one round trip; its methods check the field kinds this domain
// shares.
type violations struct{ apperr.Violations }

// line checks a single-line text of at most max characters.
func (v *violations) line(field, s string, required bool, max int) {
	v.text(field, s, required, max, false)
}

// para checks a multi-line text of at most max characters: line breaks and
// tabs are allowed, other control characters are not.
func (v *violations) para(field, s string, max int) {
	v.text(field, s, false, max, true)
}

func (v *violations) text(field, s string, required bool, max int, multiline bool) {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && required:
		v.Add(field, "required")
	case !utf8.ValidString(s):
		v.Add(field, "must be valid UTF-8")
	case n > max:
		v.Add(field, fmt.Sprintf("must be at most %d characters long", max))
	case strings.ContainsFunc(s, func(r rune) bool {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			return false
		}
		return unicode.IsControl(r)
	}):
		v.Add(field, "must not contain control characters")
	}
}

// date parses an optional "YYYY-MM-DD" date; ok is false when it is absent
// or malformed (then reported).
func (v *violations) date(field, s string) (d civildate.Date, ok bool) {
	if s == "" {
		return civildate.Date{}, false
	}
	d, err := civildate.Parse(s)
	if err != nil {
		v.Add(field, "must be a date in the form YYYY-MM-DD")
		return civildate.Date{}, false
	}
	return d, true
}

// notFuture checks a date that must not be after today.
func (v *violations) notFuture(field, s string, now time.Time) {
	if d, ok := v.date(field, s); ok && d.After(civildate.Of(now)) {
		v.Add(field, "must not be in the future")
	}
}
