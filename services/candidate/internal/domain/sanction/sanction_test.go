package sanction_test

import (
	"errors"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/sanction"
)

// now is 2027-01-15 in Paris.
var now = time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC)

func ban(months int, notified string) sanction.Input {
	return sanction.Input{Kind: sanction.KindBan, DurationMonths: months, NotifiedOn: notified,
		Reference: "fraud-report-1", Motivation: "Fraude avérée lors de la mise en situation."}
}

func TestR58_SanctionKindsAndBanLengthBounds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		in    sanction.Input
		max   int
		field string // "" accepted
	}{
		{"a one-year ban, the default maximum", ban(12, "2027-01-15"), sanction.DefaultMaxBanMonths, ""},
		{"a one-month ban", ban(1, "2027-01-10"), sanction.DefaultMaxBanMonths, ""},
		{"beyond the maximum", ban(13, "2027-01-15"), sanction.DefaultMaxBanMonths, "duration_months"},
		{"beyond a lower configured maximum", ban(7, "2027-01-15"), 6, "duration_months"},
		{"a ban without duration", ban(0, "2027-01-15"), sanction.DefaultMaxBanMonths, "duration_months"},
		{"a negative duration", ban(-1, "2027-01-15"), sanction.DefaultMaxBanMonths, "duration_months"},
		{"an exclusion", sanction.Input{Kind: sanction.KindExclusion, NotifiedOn: "2027-01-15", Reference: "r", Motivation: "m", SessionID: "s-1"}, 12, ""},
		{"an exclusion with a duration", sanction.Input{Kind: sanction.KindExclusion, DurationMonths: 3, NotifiedOn: "2027-01-15", Reference: "r", Motivation: "m"}, 12, "duration_months"},
		{"an unknown kind", sanction.Input{Kind: "FINE", NotifiedOn: "2027-01-15", Reference: "r", Motivation: "m"}, 12, "kind"},
		{"notified tomorrow", ban(12, "2027-01-16"), 12, "notified_on"},
		{"notified on no date", ban(12, "15/01/2027"), 12, "notified_on"},
		{"without reference", sanction.Input{Kind: sanction.KindBan, DurationMonths: 1, NotifiedOn: "2027-01-15", Motivation: "m"}, 12, "reference"},
		{"without motivation", sanction.Input{Kind: sanction.KindBan, DurationMonths: 1, NotifiedOn: "2027-01-15", Reference: "r", Motivation: "  "}, 12, "motivation"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := sanction.Pronounce("sa-1", "cand-1", tc.in, tc.max, "dreets-1", now)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Pronounce() = %v", err)
				}
				if s.Kind == sanction.KindBan && s.EndsOn != mustDate(t, tc.in.NotifiedOn).AddMonths(tc.in.DurationMonths) {
					t.Fatalf("ends on %s", s.EndsOn)
				}
				if s.Kind == sanction.KindExclusion && (!s.EndsOn.IsZero() || s.Bans(mustDate(t, "2027-01-15"))) {
					t.Fatalf("an exclusion bans: %+v", s)
				}
				return
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalidArgument || len(ae.Violations) == 0 || ae.Violations[0].Field != tc.field {
				t.Fatalf("Pronounce() = %v; want a violation of %s", err, tc.field)
			}
		})
	}
}

func TestR58_BanWindowFromNotificationToItsEnd(t *testing.T) {
	t.Parallel()
	s, err := sanction.Pronounce("sa-1", "cand-1", ban(12, "2027-01-15"), 12, "dreets-1", now)
	if err != nil {
		t.Fatal(err)
	}
	if s.EndsOn.String() != "2028-01-15" {
		t.Fatalf("a one-year ban notified 2027-01-15 ends on %s; want 2028-01-15 (first day free)", s.EndsOn)
	}
	for day, banned := range map[string]bool{
		"2027-01-14": false, // before the notification
		"2027-01-15": true,  // the notification day: inclusive
		"2027-07-01": true,
		"2028-01-14": true,  // the last day of the ban
		"2028-01-15": false, // the end date: exclusive, the ban ended on its own
		"2029-01-01": false,
	} {
		if got := s.Bans(mustDate(t, day)); got != banned {
			t.Errorf("Bans(%s) = %v; want %v", day, got, banned)
		}
	}
}

func mustDate(t *testing.T, s string) civildate.Date {
	t.Helper()
	d, err := civildate.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
