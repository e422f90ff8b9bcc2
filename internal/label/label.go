// Package label compares the free-text labels people type for the same
// thing in different places: an agrément's site and a session's site (R8),
// a juror's declared training organisation or employer and a candidate's
// (R21). One comparison for all of them, so that what the ministry
// records and what a centre types match the same way everywhere.
package label

import (
	"strings"
	"unicode"
)

// Same compares two labels ignoring case and white space, so that
// "AFPA Lyon  Vénissieux" names "afpa lyon vénissieux". Empty labels never
// match.
func Same(a, b string) bool {
	a, b = squeeze(a), squeeze(b)
	return a != "" && strings.EqualFold(a, b)
}

func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
