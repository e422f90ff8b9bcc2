package candidate_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

// now is 15 March 2026 at noon in Paris: "today" is 2026-03-15.
var now = time.Date(2026, 3, 15, 11, 0, 0, 0, time.UTC)

// trainingDetails is a valid TRAINING-route candidate born 1990-06-01.
func trainingDetails() candidate.Details {
	return candidate.Details{
		Subject:    "user-1",
		BirthName:  "Martin",
		UsageName:  "Durand",
		GivenNames: []string{"Camille", "Marie"},
		BirthDate:  "1990-06-01",
		BirthPlace: candidate.BirthPlace{Commune: "Lyon", CountryCode: "FR"},
		Email:      "camille.martin@example.org",
		Phone:      "+33612345678",
		PostalAddress: &candidate.PostalAddress{
			Lines: []string{"12 rue de la Paix"}, PostalCode: "75002", Locality: "Paris", CountryCode: "FR",
		},
		AccessRoute: candidate.RouteTraining,
		Training: &candidate.TrainingEnrolment{
			Organisation: "AFPA Lyon", OrganisationSIRET: "73282932000074",
			StartDate: "2025-09-01", EndDate: "2026-06-30",
		},
	}
}

// vaeDetails is a valid VAE-route candidate whose admissibility was decided
// on 2025-06-10.
func vaeDetails() candidate.Details {
	d := trainingDetails()
	d.AccessRoute = candidate.RouteVAE
	d.Training = nil
	d.VAE = &candidate.VAEAdmissibility{DecisionDate: "2025-06-10", DecidedBy: "DREETS Île-de-France", Reference: "VAE-2025-001"}
	return d
}

func newCandidate(t *testing.T, d candidate.Details) *candidate.Candidate {
	t.Helper()
	c, err := candidate.New("0197a5d0-0000-7000-8000-000000000001", "", d, now)
	if err != nil {
		t.Fatalf("New() = %v; want a valid candidate", err)
	}
	return c
}

// violationFields returns the fields of an apperr.Invalid error, sorted, or
// fails the test when err is something else.
func violationFields(t *testing.T, err error) []string {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalidArgument {
		t.Fatalf("error = %v; want an InvalidArgument apperr", err)
	}
	fields := make([]string, 0, len(ae.Violations))
	for _, v := range ae.Violations {
		fields = append(fields, v.Field)
	}
	slices.Sort(fields)
	return fields
}
