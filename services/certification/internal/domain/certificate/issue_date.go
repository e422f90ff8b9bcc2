package certificate

import (
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
)

// IssueDate returns the date, "YYYY-MM-DD", of a certificate issued at t:
// French administrative documents are dated in metropolitan France's local
// time (civildate.Of).
func IssueDate(t time.Time) string {
	return civildate.Of(t).String()
}

// IssueYear returns the year of a certificate issued at t, the year in its
// number.
func IssueYear(t time.Time) int {
	return civildate.Of(t).Year()
}
