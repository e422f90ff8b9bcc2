package candidate

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
)

// violations collects every bad field of a request so that a client can fix
// them all in one round trip; its methods check the field kinds this domain
// shares.
type violations struct{ apperr.Violations }

// text checks a single-line text of at most max characters (runes), which
// must not be empty when required.
func (v *violations) text(field, s string, required bool, max int) {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && required:
		v.Add(field, "required")
	case n > max:
		v.Add(field, fmt.Sprintf("must be at most %d characters long", max))
	case strings.ContainsFunc(s, unicode.IsControl):
		v.Add(field, "must not contain control characters")
	}
}

// date parses a "YYYY-MM-DD" date; ok is false when it is absent or bad.
func (v *violations) date(field, s string, required bool) (d civildate.Date, ok bool) {
	if s == "" {
		if required {
			v.Add(field, "required")
		}
		return civildate.Date{}, false
	}
	d, err := civildate.Parse(s)
	if err != nil {
		v.Add(field, "must be a date in the form YYYY-MM-DD")
		return civildate.Date{}, false
	}
	return d, true
}

// inseeCodeRE is the shape of a commune's code in INSEE's Code officiel
// géographique: two characters of department (digits, or 2A/2B for
// Corsica) then three digits; "99" then three digits is a foreign country.
var inseeCodeRE = regexp.MustCompile(`^([0-9]{2}|2[AB])[0-9]{3}$`)

// inseeCode checks the optional INSEE code of the birth commune (R56): its
// shape, and that a person born in France has a commune's code, not a
// foreign country's ("99xxx"). A country other than FR is not checked the
// other way: territories with their own ISO code (PF, NC…) have INSEE
// commune codes.
func (v *violations) inseeCode(field, s, countryCode string) {
	switch {
	case s == "":
	case !inseeCodeRE.MatchString(s):
		v.Add(field, "must be an INSEE code of 5 characters, e.g. 75056, 2A004, or 99134 for a country abroad")
	case countryCode == "FR" && strings.HasPrefix(s, "99"):
		v.Add(field, "must be the code of a commune for a person born in France, not of a country (99xxx)")
	}
}

// sex checks the optional civil-status sex, coded as the CPF deposit codes
// it (R56).
func (v *violations) sex(field, s string) {
	if s != "" && s != "M" && s != "F" {
		v.Add(field, "must be M or F")
	}
}

// franceVaeIDRE is the shape of a France VAE candidature id: a UUID as
// France VAE writes it, lower case.
var franceVaeIDRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// franceVaeID checks the optional France VAE candidature id.
func (v *violations) franceVaeID(field, s string) {
	if s != "" && !franceVaeIDRE.MatchString(s) {
		v.Add(field, "must be a France VAE candidature id: a UUID in lower case")
	}
}

var countryCodeRE = regexp.MustCompile(`^[A-Z]{2}$`)

// countryCode checks the shape of an ISO 3166-1 alpha-2 code. It does not
// check the code against the current list on purpose: birth places may name
// countries that no longer exist (SU, YU, CS).
func (v *violations) countryCode(field, s string) {
	switch {
	case s == "":
		v.Add(field, "required")
	case !countryCodeRE.MatchString(s):
		v.Add(field, "must be an ISO 3166-1 alpha-2 code in upper case, e.g. FR")
	}
}

var (
	frPostalCodeRE    = regexp.MustCompile(`^[0-9]{5}$`)
	otherPostalCodeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 -]{0,9}$`)
)

// postalCode checks a postal code: five digits in France (required there),
// up to ten letters, digits, spaces or hyphens elsewhere.
func (v *violations) postalCode(field, s, country string) {
	switch {
	case country == "FR" && !frPostalCodeRE.MatchString(s):
		v.Add(field, "must be five digits for an address in France")
	case country != "FR" && s != "" && !otherPostalCodeRE.MatchString(s):
		v.Add(field, "must be at most 10 letters, digits, spaces or hyphens")
	}
}

// email accepts a bare address (no display name, no comment) whose domain
// has a dot, as net/mail parses it.
func (v *violations) email(field, s string) {
	if s == "" {
		v.Add(field, "required")
		return
	}
	if len(s) > maxEmail {
		v.Add(field, fmt.Sprintf("must be at most %d characters long", maxEmail))
		return
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		v.Add(field, "must be a bare email address such as name@example.org")
		return
	}
	domain := s[strings.LastIndex(s, "@")+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, "[") {
		v.Add(field, "must be a bare email address such as name@example.org")
	}
}

// phoneRE is E.164: a plus sign, a country code not starting with 0, and 7 to
// 15 digits in all, without spaces or punctuation.
var phoneRE = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

func (v *violations) phone(field, s string) {
	if s != "" && !phoneRE.MatchString(s) {
		v.Add(field, "must be in international form without spaces, e.g. +33612345678")
	}
}

// siret checks an optional SIRET: 14 digits passing the Luhn check. La
// Poste's establishments (SIREN 356000000) share one SIREN and cannot all
// pass it: theirs are valid when the digits sum to a multiple of 5.
func (v *violations) siret(field, s string) {
	if s == "" {
		return
	}
	if len(s) != 14 || strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		v.Add(field, "must be 14 digits")
		return
	}
	if !luhnOK(s) && !(strings.HasPrefix(s, "356000000") && digitSum(s)%5 == 0) {
		v.Add(field, "is not a valid SIRET (check digit)")
	}
}

func luhnOK(digits string) bool {
	sum := 0
	for i := range len(digits) {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func digitSum(digits string) int {
	sum := 0
	for _, c := range digits {
		sum += int(c - '0')
	}
	return sum
}
