package candidate_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
)

func TestR58_RegistrationRefusedDuringABan(t *testing.T) {
	t.Parallel()
	d := func(s string) civildate.Date {
		v, err := civildate.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// A one-year ban notified 2027-01-15: 2027-01-15 to 2028-01-14.
	banned := candidate.Candidate{ID: "cand-1", Bans: []candidate.Ban{{SanctionID: "sa-1", CandidateID: "cand-1",
		From: d("2027-01-15"), Until: d("2028-01-15")}}}
	cases := []struct {
		today   string
		refused bool
	}{
		{"2027-01-14", false}, // before the notification
		{"2027-01-15", true},  // the notification day
		{"2027-08-01", true},
		{"2028-01-14", true},  // the ban's last day
		{"2028-01-15", false}, // the ban ended on its own
	}
	for _, tc := range cases {
		err := candidate.CheckNotBanned(banned, d(tc.today))
		if !tc.refused {
			if err != nil {
				t.Errorf("%s: CheckNotBanned() = %v; want nil", tc.today, err)
			}
			continue
		}
		var ae *apperr.Error
		if !errors.Is(err, candidate.ErrBanned) || !errors.As(err, &ae) || ae.Meta["ban_ends_on"] != "2028-01-15" {
			t.Errorf("%s: CheckNotBanned() = %v; want CANDIDATE_BANNED ending 2028-01-15", tc.today, err)
		}
	}
	if err := candidate.CheckNotBanned(candidate.Candidate{ID: "cand-2"}, d("2027-08-01")); err != nil {
		t.Errorf("a candidate without ban: %v", err)
	}
}
