package candidate_test

import (
	"testing"
	"time"

	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

func TestVAEAdmissibility_ValidUntil(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, decided, want string
	}{
		{name: "R25: one year after the decision", decided: "2025-06-10", want: "2026-06-10"},
		{name: "R25: 29 February ends on 28 February (art. 641 CPC)", decided: "2024-02-29", want: "2025-02-28"},
		{name: "R25: 29 February to a leap year keeps the day", decided: "2027-02-28", want: "2028-02-28"},
		{name: "invalid decision date gives no validity", decided: "2025-13-01", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := candidate.VAEAdmissibility{DecisionDate: tt.decided}.ValidUntil()
			if got != tt.want {
				t.Errorf("ValidUntil(%s) = %q; want %q", tt.decided, got, tt.want)
			}
		})
	}
}

func TestToday_IsTheDateInParis(t *testing.T) {
	t.Parallel()
	// 23:30 UTC on 31 December is already 1 January in Paris (UTC+1).
	instant := time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)
	if got := candidate.Today(instant).String(); got != "2026-01-01" {
		t.Errorf("Today(%v) = %s; want 2026-01-01", instant, got)
	}
}

func TestDate_YearsUntil(t *testing.T) {
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
		born, err := candidate.ParseDate(tt.born)
		if err != nil {
			t.Fatal(err)
		}
		on, err := candidate.ParseDate(tt.on)
		if err != nil {
			t.Fatal(err)
		}
		if got := born.YearsUntil(on); got != tt.want {
			t.Errorf("%s.YearsUntil(%s) = %d; want %d", tt.born, tt.on, got, tt.want)
		}
	}
}
