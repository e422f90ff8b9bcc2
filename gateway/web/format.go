package web

import (
	"math"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // dates are shown in Europe/Paris even on hosts without a zoneinfo database
)

// French formatting of dates and numbers (fr-FR), written out rather than
// taken from a locale library: the few forms the pages need, exact and
// tested (format_test.go).

var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil { // cannot happen with time/tzdata embedded
		return time.UTC
	}
	return loc
}()

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// nbsp and nnbsp are the no-break spaces of French typography: before a
// colon, and (narrow) between thousands.
const (
	nbsp  = "\u00a0"
	nnbsp = "\u202f"
)

// DateFR formats t's day in Paris as "1er janvier 2026", "2 mars 2026".
func DateFR(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(paris)
	return dayFR(t.Day()) + " " + frenchMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// DateTimeFR formats t in Paris as "2 mars 2026 à 14 h 05".
func DateTimeFR(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(paris)
	return DateFR(t) + " à " + strconv.Itoa(t.Hour()) + nbsp + "h" + nbsp + twoDigits(t.Minute())
}

// CivilDateFR formats a "YYYY-MM-DD" date as DateFR does; anything else is
// returned as it is.
func CivilDateFR(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return dayFR(d.Day()) + " " + frenchMonths[d.Month()-1] + " " + strconv.Itoa(d.Year())
}

func dayFR(d int) string {
	if d == 1 {
		return "1er"
	}
	return strconv.Itoa(d)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// IntFR formats n with narrow no-break spaces between thousands:
// "12 345". Four-digit numbers are grouped too ("1 234"), as the
// Imprimerie nationale's rules do for quantities.
func IntFR(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteString("-")
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(nnbsp)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// DecimalFR formats f with digits decimals, a decimal comma and grouped
// thousands: DecimalFR(1234.5, 1) = "1 234,5".
func DecimalFR(f float64, digits int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	s := strconv.FormatFloat(f, 'f', digits, 64)
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	out := IntFR(n)
	if n == 0 && strings.HasPrefix(whole, "-") {
		out = "-0"
	}
	if frac != "" {
		out += "," + frac
	}
	return out
}

// PercentFR formats a ratio as a percentage: PercentFR(0.125, 1) = "12,5 %".
func PercentFR(ratio float64, digits int) string {
	return DecimalFR(ratio*100, digits) + nbsp + "%"
}
