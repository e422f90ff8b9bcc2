package certificate

import (
	"fmt"
	"io"
	"strings"

	"github.com/titrepro/titrepro/internal/apperr"
)

// Number is a certificate number in its canonical form,
// "TP-YYYY-XXXX-XXXX-C": "TP", the issue year, eight random symbols of
// Crockford's base32 alphabet in two groups, and a check symbol.
//
// The check symbol is Crockford's: the value of the twelve symbols YYYY and
// XXXXXXXX read as one base32 number, modulo 37, written with the 32
// symbols of the alphabet followed by "*~$=U". Because 37 is a prime
// greater than 32, it catches every single wrong symbol and every swap of
// two adjacent symbols, the usual typing errors; a typo is then reported
// as such instead of as an unknown certificate.
type Number string

// String returns the number.
func (n Number) String() string { return string(n) }

const (
	// alphabet is Crockford's base32: digits and letters without I, L, O, U.
	alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	// checkAlphabet adds the five extra check symbols for values 32 to 36.
	checkAlphabet = alphabet + "*~$=U"
	// randomSymbols is the length of the random part: 40 bits, so that
	// numbers cannot be guessed from one another.
	randomSymbols = 8
)

// ErrMalformedNumber reports a string that is not a certificate number, or
// whose check symbol does not match (a typing error).
var ErrMalformedNumber = apperr.New(apperr.KindInvalidArgument, "NUMBER_MALFORMED",
	`not a certificate number: expected "TP-YYYY-XXXX-XXXX-C" with a matching check symbol`)

// NewNumber draws a number for a certificate issued in year, reading its
// random part from random (crypto/rand.Reader in production).
func NewNumber(year int, random io.Reader) (Number, error) {
	if year < 1000 || year > 9999 {
		return "", fmt.Errorf("certificate: year %d has not four digits", year)
	}
	var buf [randomSymbols]byte
	if _, err := io.ReadFull(random, buf[:]); err != nil {
		return "", fmt.Errorf("certificate: random number: %w", err)
	}
	body := make([]byte, randomSymbols)
	for i, b := range buf {
		body[i] = alphabet[b&31] // 256 is a multiple of 32: no bias
	}
	yyyy := fmt.Sprintf("%04d", year)
	check, err := CheckSymbol(yyyy + string(body))
	if err != nil {
		return "", err
	}
	return Number(fmt.Sprintf("TP-%s-%s-%s-%c", yyyy, body[:4], body[4:], check)), nil
}

// CheckSymbol returns Crockford's mod-37 check symbol of symbols, a string
// of Crockford base32 symbols (upper case, at most 12 of them so that the
// value fits in 64 bits; the computation itself is modular and has no
// such limit).
func CheckSymbol(symbols string) (byte, error) {
	var v uint64
	for i := 0; i < len(symbols); i++ {
		d := strings.IndexByte(alphabet, symbols[i])
		if d < 0 {
			return 0, fmt.Errorf("certificate: %q is not a Crockford base32 symbol", symbols[i])
		}
		v = (v*32 + uint64(d)) % 37
	}
	return checkAlphabet[v], nil
}

// ParseNumber reads a number as a person may type it: in any case, with or
// without hyphens and spaces, with I or L for 1 and O for 0 (Crockford's
// decoding rules). It returns the canonical form, or ErrMalformedNumber.
func ParseNumber(s string) (Number, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case '-', ' ':
			continue
		case 'I', 'L':
			r = '1'
		case 'O':
			r = '0'
		}
		b.WriteRune(r)
	}
	compact := b.String()
	// "TP" + 4 year digits + 8 symbols + 1 check symbol.
	if len(compact) != 2+4+randomSymbols+1 || !strings.HasPrefix(compact, "TP") {
		return "", ErrMalformedNumber
	}
	yyyy, body, check := compact[2:6], compact[6:14], compact[14]
	for i := 0; i < len(yyyy); i++ {
		if yyyy[i] < '0' || yyyy[i] > '9' {
			return "", ErrMalformedNumber
		}
	}
	want, err := CheckSymbol(yyyy + body)
	if err != nil || want != check {
		return "", ErrMalformedNumber
	}
	return Number(fmt.Sprintf("TP-%s-%s-%s-%c", yyyy, body[:4], body[4:], check)), nil
}
