package certificate

import (
	"time"
	_ "time/tzdata" // Europe/Paris must load on hosts without a zoneinfo database
)

// paris is the time zone of issue dates: French administrative documents
// are dated in metropolitan France's local time.
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		// Unreachable with time/tzdata linked in; UTC is the closest
		// safe answer rather than a panic.
		return time.UTC
	}
	return loc
}()

// IssueDate returns the date, "YYYY-MM-DD", of a certificate issued at t.
func IssueDate(t time.Time) string {
	return t.In(paris).Format(time.DateOnly)
}

// IssueYear returns the year of a certificate issued at t, the year in its
// number.
func IssueYear(t time.Time) int {
	return t.In(paris).Year()
}
