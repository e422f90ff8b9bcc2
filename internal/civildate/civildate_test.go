package civildate_test

import (
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
)

func mustParse(t *testing.T, s string) civildate.Date {
	t.Helper()
	d, err := civildate.Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q) = %v", s, err)
	}
	return d
}

func TestParseRejectsOtherLayouts(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "2026-02-30", "2023-02-29", "12/03/2026", "2026-3-1", "2026-03-01T00:00:00Z"} {
		if _, err := civildate.Parse(s); err == nil {
			t.Errorf("Parse(%q) = nil error; want an error", s)
		}
	}
	if got := mustParse(t, "2024-02-29").String(); got != "2024-02-29" {
		t.Errorf("String() = %q; want 2024-02-29", got)
	}
}

func TestZeroDate(t *testing.T) {
	t.Parallel()
	var zero civildate.Date
	if zero.String() != "" || !zero.IsZero() {
		t.Errorf("zero Date: String() = %q, IsZero() = %v; want \"\", true", zero.String(), zero.IsZero())
	}
	if mustParse(t, "0001-01-02").IsZero() {
		t.Error("a parsed date is zero")
	}
}

func TestAddYears(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2025-06-10", 1, "2026-06-10"},
		{"2024-02-29", 1, "2025-02-28"}, // no 29 February in 2025: last day of the month (art. 641 CPC)
		{"2024-02-29", 4, "2028-02-29"},
		{"2027-02-28", 1, "2028-02-28"},
		{"2025-12-31", 1, "2026-12-31"},
		{"2026-03-15", -2, "2024-03-15"},
	}
	for _, tt := range tests {
		if got := mustParse(t, tt.from).AddYears(tt.n).String(); got != tt.want {
			t.Errorf("AddYears(%s, %d) = %s; want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestOfIsTheDateInParis(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		instant time.Time
		want    string
		year    int
	}{
		// 23:30 UTC on 31 December is already 1 January in Paris (UTC+1).
		{"winter, after midnight in Paris", time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC), "2026-01-01", 2026},
		// 21:59 UTC on 30 June is still 30 June in Paris (UTC+2).
		{"summer, before midnight in Paris", time.Date(2026, 6, 30, 21, 59, 0, 0, time.UTC), "2026-06-30", 2026},
		{"summer, after midnight in Paris", time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC), "2026-07-01", 2026},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := civildate.Of(tt.instant)
			if got.String() != tt.want || got.Year() != tt.year {
				t.Errorf("Of(%v) = %s (year %d); want %s (year %d)", tt.instant, got, got.Year(), tt.want, tt.year)
			}
		})
	}
}

func TestAddMonths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-03-15", 2, "2026-05-15"},
		{"2025-12-31", 2, "2026-02-28"}, // no 31 February: last day of the month (art. 641 CPC)
		{"2027-12-31", 2, "2028-02-29"}, // leap year
		{"2026-11-30", 3, "2027-02-28"},
		{"2026-08-31", 1, "2026-09-30"},
		{"2026-11-15", 2, "2027-01-15"}, // across the year
		{"2026-03-31", -1, "2026-02-28"},
		{"2027-01-15", 12, "2028-01-15"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2027-11-30", 3, "2028-02-29"},
		{"2027-06-10", 0, "2027-06-10"},
		{"2024-02-29", 12, "2025-02-28"},
	}
	for _, tt := range tests {
		if got := mustParse(t, tt.from).AddMonths(tt.n).String(); got != tt.want {
			t.Errorf("AddMonths(%s, %d) = %s; want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestBeforeAfterAreStrict(t *testing.T) {
	t.Parallel()
	a, b := mustParse(t, "2026-01-01"), mustParse(t, "2026-01-02")
	if !a.Before(b) || b.Before(a) || a.Before(a) {
		t.Error("Before is not strict")
	}
	if !b.After(a) || a.After(b) || a.After(a) {
		t.Error("After is not strict")
	}
}

func TestYearsUntil(t *testing.T) {
	t.Parallel()
	tests := []struct {
		born, on string
		want     int
	}{
		{born: "2000-03-15", on: "2026-03-15", want: 26},
		{born: "2000-03-16", on: "2026-03-15", want: 25},
		{born: "2000-02-29", on: "2026-02-28", want: 25},
		{born: "2000-02-29", on: "2026-03-01", want: 26},
		{born: "2030-01-01", on: "2026-03-15", want: -4},
	}
	for _, tt := range tests {
		if got := mustParse(t, tt.born).YearsUntil(mustParse(t, tt.on)); got != tt.want {
			t.Errorf("%s.YearsUntil(%s) = %d; want %d", tt.born, tt.on, got, tt.want)
		}
	}
}
