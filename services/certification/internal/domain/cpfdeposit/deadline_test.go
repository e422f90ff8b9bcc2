package cpfdeposit_test

import (
	"slices"
	"testing"

	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
)

// R56: an award is deposited within three months of its date; a month
// without the award's day ends the period on its last day.
func TestR56_DepositDeadlineIsThreeMonths(t *testing.T) {
	for _, tc := range []struct{ award, want string }{
		{"2026-01-15", "2026-04-15"},
		{"2026-05-31", "2026-08-31"},
		{"2026-11-30", "2027-02-28"},
		{"2027-11-30", "2028-02-29"}, // leap year
		{"2026-03-31", "2026-06-30"},
		{"2026-10-01", "2027-01-01"},
	} {
		got, err := cpfdeposit.Deadline(tc.award)
		if err != nil || got != tc.want {
			t.Errorf("Deadline(%s) = %q, %v; want %s", tc.award, got, err, tc.want)
		}
	}
	if _, err := cpfdeposit.Deadline("2026-02-30"); err == nil {
		t.Error("Deadline accepted 2026-02-30")
	}
}

// R56: on day 80 after the award, an award without an OK acknowledgement
// is listed, with its deadline and the days left; before day 80, or once
// acknowledged, it is not.
func TestR56_AlertAt80DaysWithoutAcknowledgement(t *testing.T) {
	awards := []cpfdeposit.Tracked{
		{AwardID: "day79", AwardDate: "2026-09-18"},
		{AwardID: "day80", AwardDate: "2026-09-17"},
		{AwardID: "acked", AwardDate: "2026-01-01", Acknowledged: true},
		{AwardID: "late", AwardDate: "2026-08-01"},
		{AwardID: "also-day80", AwardDate: "2026-09-17"},
		{AwardID: "unreadable", AwardDate: "17/09/2026"},
	}
	got, err := cpfdeposit.Overdue(awards, "2026-12-06")
	if err != nil {
		t.Fatal(err)
	}
	want := []cpfdeposit.Alert{
		{AwardID: "unreadable", AwardDate: "17/09/2026"},
		{AwardID: "late", AwardDate: "2026-08-01", Deadline: "2026-11-01", DaysLeft: -35},
		{AwardID: "also-day80", AwardDate: "2026-09-17", Deadline: "2026-12-17", DaysLeft: 11},
		{AwardID: "day80", AwardDate: "2026-09-17", Deadline: "2026-12-17", DaysLeft: 11},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Overdue =\n%+v\nwant\n%+v", got, want)
	}
	if _, err := cpfdeposit.Overdue(nil, "today"); err == nil {
		t.Error("Overdue accepted a bad date for today")
	}
}
