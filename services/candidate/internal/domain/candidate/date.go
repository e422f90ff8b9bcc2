package candidate

import (
	"time"
	_ "time/tzdata" // "today" is a date in Europe/Paris, even on hosts without a zoneinfo database
)

// dateLayout is the only accepted date format: ISO 8601 calendar date.
const dateLayout = "2006-01-02"

// paris is the time zone of the civil dates this domain compares with
// "today". time/tzdata is embedded, so loading cannot fail in practice; UTC
// is a harmless fallback that keeps the package free of panics.
var paris = loadParis()

func loadParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}

// Date is a calendar date without a time of day, held as midnight UTC so that
// comparisons ignore time zones.
type Date struct{ t time.Time }

// ParseDate reads a "YYYY-MM-DD" date. time.Parse rejects out-of-range days
// (2023-02-29) and any other layout, so a parsed date prints back unchanged.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, err
	}
	return Date{t: t}, nil
}

// Today returns the civil date in France at instant now.
func Today(now time.Time) Date {
	y, m, d := now.In(paris).Date()
	return Date{t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// String returns the date as "YYYY-MM-DD".
func (d Date) String() string { return d.t.Format(dateLayout) }

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

// YearsUntil returns the number of full years from d to later, e.g. a
// person's age on date later; negative when later is before d.
func (d Date) YearsUntil(later Date) int {
	years := later.t.Year() - d.t.Year()
	if later.t.Month() < d.t.Month() || (later.t.Month() == d.t.Month() && later.t.Day() < d.t.Day()) {
		years--
	}
	return years
}
