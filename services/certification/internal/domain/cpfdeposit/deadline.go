package cpfdeposit

import (
	"cmp"
	"slices"
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
)

// AlertAfterDays is how long after its award an award may stay without an
// OK acknowledgement before it is listed by Overdue: 80 days leaves about
// ten days to correct and deposit again before the three months of R56.
const AlertAfterDays = 80

// Deadline is the last day an award of awardDate ("YYYY-MM-DD") may be
// deposited (R56: within three months of the award). Three months after
// the 30th of November is the last day of February: a month that has no
// such day ends the period on its last day.
func Deadline(awardDate string) (string, error) {
	d, err := time.Parse(time.DateOnly, awardDate)
	if err != nil {
		return "", err
	}
	return addMonths(d, 3).Format(time.DateOnly), nil
}

// addMonths is civildate's month arithmetic (also the appeal deadlines of
// R61) on the midnight-UTC times this package computes with.
func addMonths(d time.Time, n int) time.Time {
	c, err := civildate.Parse(d.Format(time.DateOnly))
	if err != nil { // d comes from time.Parse(time.DateOnly, ...): unreachable
		return d.AddDate(0, n, 0)
	}
	t, _ := time.Parse(time.DateOnly, c.AddMonths(n).String())
	return t
}

// Tracked is what Overdue needs about one award.
type Tracked struct {
	AwardID   string
	AwardDate string // "YYYY-MM-DD"
	// Acknowledged is true once the Caisse acknowledged the award's
	// passage OK (or as already known).
	Acknowledged bool
}

// Alert is an award Overdue lists.
type Alert struct {
	AwardID   string
	AwardDate string
	Deadline  string
	// DaysLeft is the number of days from today to the deadline; negative
	// once the deadline has passed.
	DaysLeft int
}

// Overdue lists the awards that, on today ("YYYY-MM-DD"), were awarded
// AlertAfterDays days ago or more and still have no OK acknowledgement,
// oldest first (then by award id). An award whose date cannot be read is
// listed too, with an empty deadline: it cannot be shown to be on time.
func Overdue(awards []Tracked, today string) ([]Alert, error) {
	now, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return nil, err
	}
	var out []Alert
	for _, a := range awards {
		if a.Acknowledged {
			continue
		}
		d, err := time.Parse(time.DateOnly, a.AwardDate)
		if err != nil {
			out = append(out, Alert{AwardID: a.AwardID, AwardDate: a.AwardDate})
			continue
		}
		if now.Before(d.AddDate(0, 0, AlertAfterDays)) {
			continue
		}
		deadline := addMonths(d, 3)
		out = append(out, Alert{
			AwardID: a.AwardID, AwardDate: a.AwardDate, Deadline: deadline.Format(time.DateOnly),
			DaysLeft: int(deadline.Sub(now).Hours() / 24),
		})
	}
	slices.SortFunc(out, func(a, b Alert) int {
		return cmp.Or(cmp.Compare(a.AwardDate, b.AwardDate), cmp.Compare(a.AwardID, b.AwardID))
	})
	return out, nil
}
