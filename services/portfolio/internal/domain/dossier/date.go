package dossier

import (
	"time"
	_ "time/tzdata" // "today" is a date in Europe/Paris, even on hosts without a zoneinfo database
)

// dateLayout is the only accepted date format: ISO 8601 calendar date.
const dateLayout = "2006-01-02"

// paris is the time zone of the civil dates compared with "today"; UTC is
// a harmless fallback, since time/tzdata is embedded.
var paris = loadParis()

func loadParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}

// parseDate reads a "YYYY-MM-DD" date as midnight UTC.
func parseDate(s string) (time.Time, error) { return time.Parse(dateLayout, s) }

// today returns the civil date in France at instant now, as midnight UTC.
func today(now time.Time) time.Time {
	y, m, d := now.In(paris).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// storedTime is now as the database keeps it: UTC with microsecond
// precision (PostgreSQL's), so that what a call returns equals what a later
// read returns.
func storedTime(now time.Time) time.Time { return now.UTC().Truncate(time.Microsecond) }
