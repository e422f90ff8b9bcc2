package candidate_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
)

func TestCheckAdmissibleOn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		route    candidate.AccessRoute
		decision string
		start    string
		wantErr  error
	}{
		{"R25: VAE admissibility notified 6 months before the session", candidate.RouteVAE, "2025-12-01", "2026-06-01", nil},
		{"R25: session on the anniversary of the decision is accepted", candidate.RouteVAE, "2025-06-01", "2026-06-01", nil},
		{"R25: session on day notifiedAt+366 is refused", candidate.RouteVAE, "2025-06-01", "2026-06-02", candidate.ErrVAEAdmissibilityExpired},
		{"R25: VAE admissibility two years old is refused", candidate.RouteVAE, "2024-05-01", "2026-06-01", candidate.ErrVAEAdmissibilityExpired},
		{"R25: VAE candidate without a decision date is refused", candidate.RouteVAE, "", "2026-06-01", candidate.ErrVAEAdmissibilityExpired},
		{"R25: training-route candidates are not concerned", candidate.RouteTraining, "", "2026-06-01", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start, err := civildate.Parse(tt.start)
			if err != nil {
				t.Fatal(err)
			}
			c := candidate.Candidate{ID: "c1", AccessRoute: tt.route, VAEDecisionDate: tt.decision}
			err = c.CheckAdmissibleOn(start)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("CheckAdmissibleOn() = %v; want %v", err, tt.wantErr)
			}
			var ae *apperr.Error
			if err != nil && (!errors.As(err, &ae) || ae.Rule != "R25" || ae.Kind != apperr.KindFailedPrecondition) {
				t.Fatalf("error %#v does not name R25", err)
			}
		})
	}
}

func TestDisplayNameAndValidate(t *testing.T) {
	t.Parallel()
	c := candidate.Candidate{ID: "c1", Version: 1, BirthName: "Martin", GivenNames: []string{"Anne", "Marie"}}
	if got := c.DisplayName(); got != "Martin Anne Marie" {
		t.Errorf("DisplayName() = %q", got)
	}
	c.UsageName = "Durand"
	if got := c.DisplayName(); got != "Durand Anne Marie" {
		t.Errorf("DisplayName() with usage name = %q", got)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
	if err := (candidate.Candidate{ID: "c1"}).Validate(); !errors.Is(err, candidate.ErrInvalid) {
		t.Errorf("Validate() without version = %v", err)
	}
}
