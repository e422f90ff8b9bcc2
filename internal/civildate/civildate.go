// Package civildate is the calendar date of French administrative rules:
// birth dates, decision dates, session days, validity periods. A Date has no
// time of day, so comparing two never depends on a time zone; only turning
// an instant into a date does, and that is done in Europe/Paris, the time
// zone the rules are written in.
//
// It imports the standard library only, so that domain packages may use it
// (scripts/check-layering.sh).
package civildate

import (
	"time"
	_ "time/tzdata" // "today" is a date in Europe/Paris, even on hosts without a zoneinfo database
)

// Layout is the only accepted format: ISO 8601 calendar date.
const Layout = time.DateOnly

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

// Of returns the civil date in France at instant t: "today" is Of(now).
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

// Year returns the year of d.
func (d Date) Year() int { return d.t.Year() }

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

// After reports whether d is strictly after o.
func (d Date) After(o Date) bool { return d.t.After(o.t) }

// AddYears returns the same day n years later. A 29 February that does not
// exist in the target year becomes 28 February: a period expressed in years
// ends on the day with the same number, or on the last day of the month when
// there is none (French civil procedure code, art. 641), rather than spilling
// into March as time.AddDate would.
func (d Date) AddYears(n int) Date {
	y, m, day := d.t.Date()
	target := time.Date(y+n, m, day, 0, 0, 0, 0, time.UTC)
	if target.Month() != m {
		target = time.Date(y+n, m+1, 0, 0, 0, 0, 0, time.UTC) // last day of month m
	}
	return Date{t: target}
}

// AddMonths returns the same day n months later (n may be negative). A
// day the target month does not have becomes its last day: two months
// after 31 December is the last day of February, not a day of March (the
// same rule as AddYears, French civil procedure code, art. 641: a period in
// months ends on the day with the same number, or on the month's last day
// when there is none).
func (d Date) AddMonths(n int) Date {
	y, m, day := d.t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return Date{t: time.Date(first.Year(), first.Month(), min(day, last), 0, 0, 0, 0, time.UTC)}
}

// YearsUntil returns the number of full years from d to later, e.g. a
// person's age on date later; negative when later is before d.
func (d Date) YearsUntil(later Date) int {
	years := later.t.Year() - d.t.Year()
	if later.t.Month() < d.t.Month() || (later.t.Month() == d.t.Month() && later.t.Day() < d.t.Day()) {
		years--
	}
	return years
}
