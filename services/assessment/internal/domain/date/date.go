// Package date holds the calendar dates of the assessment domain: session
// days, habilitation validity, VAE admissibility. A Date has no time of day,
// so comparisons never depend on a time zone.
package date

import (
	"time"
	_ "time/tzdata" // "today" is a date in Europe/Paris, even on hosts without a zoneinfo database
)

// Layout is the only accepted format: ISO 8601 calendar date.
const Layout = "2006-01-02"

// paris is the time zone of the civil dates compared with an instant.
// time/tzdata is embedded, so loading cannot fail in practice; UTC is a
// harmless fallback that keeps the package free of panics.
var paris = loadParis()

func loadParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}

// Date is a calendar date, held as midnight UTC. The zero Date is "no date".
type Date struct{ t time.Time }

// Parse reads a "YYYY-MM-DD" date. time.Parse rejects out-of-range days
// (2023-02-29) and any other layout, so a parsed date prints back unchanged.
func Parse(s string) (Date, error) {
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Date{}, err
	}
	return Date{t: t}, nil
}

// Of returns the civil date in France at instant t.
func Of(t time.Time) Date {
	y, m, d := t.In(paris).Date()
	return Date{t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String returns the date as "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(Layout)
}

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

// After reports whether d is strictly after o.
func (d Date) After(o Date) bool { return d.t.After(o.t) }

// AddYears returns the same day n years later. A 29 February that does not
// exist in the target year becomes 28 February: a period expressed in years
// ends on the day with the same number, or on the last day of the month when
// there is none (French civil procedure code, art. 641), rather than spilling
// into March as time.AddDate would. The candidate service computes the
// validity of a VAE admissibility the same way.
func (d Date) AddYears(n int) Date {
	y, m, day := d.t.Date()
	target := time.Date(y+n, m, day, 0, 0, 0, 0, time.UTC)
	if target.Month() != m {
		target = time.Date(y+n, m+1, 0, 0, 0, 0, 0, time.UTC) // last day of month m
	}
	return Date{t: target}
}
