package date_test

import (
	"testing"
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/date"
)

func mustParse(t *testing.T, s string) date.Date {
	t.Helper()
	d, err := date.Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q) = %v", s, err)
	}
	return d
}

func TestParseRejectsOtherLayouts(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "2026-02-30", "2023-02-29", "12/03/2026", "2026-3-1", "2026-03-01T00:00:00Z"} {
		if _, err := date.Parse(s); err == nil {
			t.Errorf("Parse(%q) = nil error; want an error", s)
		}
	}
	if got := mustParse(t, "2024-02-29").String(); got != "2024-02-29" {
		t.Errorf("String() = %q; want 2024-02-29", got)
	}
}

func TestAddYears(t *testing.T) {
	t.Parallel()
	tests := []struct{ from, want string }{
		{"2025-06-10", "2026-06-10"},
		{"2024-02-29", "2025-02-28"}, // no 29 February in 2025: last day of the month
		{"2025-12-31", "2026-12-31"},
	}
	for _, tt := range tests {
		if got := mustParse(t, tt.from).AddYears(1).String(); got != tt.want {
			t.Errorf("AddYears(%s, 1) = %s; want %s", tt.from, got, tt.want)
		}
	}
}

func TestOfUsesParisCivilDate(t *testing.T) {
	t.Parallel()
	// 23:30 UTC on 31 December is already 1 January in Paris.
	got := date.Of(time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC))
	if got.String() != "2026-01-01" {
		t.Fatalf("Of() = %s; want 2026-01-01", got)
	}
	if !mustParse(t, "2026-01-01").Before(mustParse(t, "2026-01-02")) || mustParse(t, "2026-01-02").Before(mustParse(t, "2026-01-02")) {
		t.Fatal("Before is not strict")
	}
	if (date.Date{}).String() != "" || !(date.Date{}).IsZero() {
		t.Fatal("zero Date prints empty")
	}
}
