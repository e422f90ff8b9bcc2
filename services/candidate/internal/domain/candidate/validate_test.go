package candidate_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

func TestNew_Valid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(d *candidate.Details)
	}{
		{name: "training route with full evidence", mutate: func(*candidate.Details) {}},
		{name: "apprenticeship route with training evidence", mutate: func(d *candidate.Details) { d.AccessRoute = candidate.RouteApprenticeship }},
		{name: "R24: training evidence needs only the organisation", mutate: func(d *candidate.Details) {
			d.Training = &candidate.TrainingEnrolment{Organisation: "GRETA"}
		}},
		{name: "R24: the training names the title it prepares and some of its CCPs", mutate: func(d *candidate.Details) {
			d.Training.TitleID, d.Training.CCPCodes = "TP-00495", []string{"CCP1", "CCP2"}
		}},
		{name: "VAE route with admissibility", mutate: func(d *candidate.Details) { *d = vaeDetails() }},
		{name: "R25: admissibility decided exactly one year ago is still valid", mutate: func(d *candidate.Details) {
			*d = vaeDetails()
			d.VAE.DecisionDate = "2025-03-15"
		}},
		{name: "R25: admissibility decided today", mutate: func(d *candidate.Details) {
			*d = vaeDetails()
			d.VAE.DecisionDate = "2026-03-15"
		}},
		{name: "optional fields absent", mutate: func(d *candidate.Details) {
			d.Subject, d.UsageName, d.Phone, d.PostalAddress = "", "", "", nil
		}},
		{name: "age exactly 15 today", mutate: func(d *candidate.Details) { d.BirthDate = "2011-03-15" }},
		{name: "age 100, birthday later this year", mutate: func(d *candidate.Details) { d.BirthDate = "1925-03-16" }},
		{name: "five given names of 60 characters", mutate: func(d *candidate.Details) {
			n := strings.Repeat("é", 60)
			d.GivenNames = []string{n, n, n, n, n}
		}},
		{name: "foreign address without postal code", mutate: func(d *candidate.Details) {
			d.PostalAddress = &candidate.PostalAddress{Lines: []string{"Via Roma 1"}, Locality: "Torino", CountryCode: "IT"}
		}},
		{name: "foreign postal code with letters", mutate: func(d *candidate.Details) {
			d.PostalAddress = &candidate.PostalAddress{Lines: []string{"10 Downing St"}, PostalCode: "SW1A 2AA", Locality: "London", CountryCode: "GB"}
		}},
		{name: "born in a country that no longer exists", mutate: func(d *candidate.Details) { d.BirthPlace.CountryCode = "SU" }},
		{name: "R56: sex and birth commune INSEE code for the CPF deposit", mutate: func(d *candidate.Details) {
			d.Sex, d.BirthPlace.InseeCode = "F", "75056"
		}},
		{name: "R56: born in Corsica", mutate: func(d *candidate.Details) { d.Sex, d.BirthPlace.InseeCode = "M", "2A004" }},
		{name: "R56: born abroad, the INSEE code of the country", mutate: func(d *candidate.Details) {
			d.BirthPlace.CountryCode, d.BirthPlace.InseeCode = "ES", "99134"
		}},
		{name: "France VAE candidature id", mutate: func(d *candidate.Details) {
			d.FranceVaeCandidatureID = "7e4bf4d6-1c5f-4f3c-9b3e-2d1a0c9e8f71"
		}},
		{name: "SIRET of La Poste (digit sum rule)", mutate: func(d *candidate.Details) { d.Training.OrganisationSIRET = "35600000000010" }},
		{name: "SIRET of La Poste's head office (Luhn)", mutate: func(d *candidate.Details) { d.Training.OrganisationSIRET = "35600000000048" }},
		{name: "training ends the day it starts", mutate: func(d *candidate.Details) { d.Training.EndDate = d.Training.StartDate }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := trainingDetails()
			tt.mutate(&d)
			c, err := candidate.New("id-1", "", d, now)
			if err != nil {
				t.Fatalf("New() = %v; want nil", err)
			}
			if c.Version() != 1 || c.Etag() != "1" {
				t.Errorf("version, etag = %d, %q; want 1, \"1\"", c.Version(), c.Etag())
			}
		})
	}
}

func TestNew_Violations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		mutate     func(d *candidate.Details)
		wantFields []string
	}{
		{name: "birth name required", mutate: func(d *candidate.Details) { d.BirthName = "  " },
			wantFields: []string{"candidate.birth_name"}},
		{name: "birth name at most 100 characters", mutate: func(d *candidate.Details) { d.BirthName = strings.Repeat("a", 101) },
			wantFields: []string{"candidate.birth_name"}},
		{name: "usage name at most 100 characters", mutate: func(d *candidate.Details) { d.UsageName = strings.Repeat("a", 101) },
			wantFields: []string{"candidate.usage_name"}},
		{name: "names refuse control characters", mutate: func(d *candidate.Details) { d.BirthName = "Mar\x00tin" },
			wantFields: []string{"candidate.birth_name"}},
		{name: "subject at most 255 characters", mutate: func(d *candidate.Details) { d.Subject = strings.Repeat("s", 256) },
			wantFields: []string{"candidate.subject"}},
		{name: "given names: at least one", mutate: func(d *candidate.Details) { d.GivenNames = nil },
			wantFields: []string{"candidate.given_names"}},
		{name: "given names: at most five", mutate: func(d *candidate.Details) { d.GivenNames = []string{"A", "B", "C", "D", "E", "F"} },
			wantFields: []string{"candidate.given_names"}},
		{name: "given names: each 1 to 60 characters", mutate: func(d *candidate.Details) {
			d.GivenNames = []string{"Camille", "", strings.Repeat("b", 61)}
		}, wantFields: []string{"candidate.given_names[1]", "candidate.given_names[2]"}},
		{name: "birth date required", mutate: func(d *candidate.Details) { d.BirthDate = "" },
			wantFields: []string{"candidate.birth_date"}},
		{name: "birth date format YYYY-MM-DD", mutate: func(d *candidate.Details) { d.BirthDate = "01/06/1990" },
			wantFields: []string{"candidate.birth_date"}},
		{name: "birth date must exist in the calendar", mutate: func(d *candidate.Details) { d.BirthDate = "1990-02-30" },
			wantFields: []string{"candidate.birth_date"}},
		{name: "age at least 15 (15th birthday tomorrow)", mutate: func(d *candidate.Details) { d.BirthDate = "2011-03-16" },
			wantFields: []string{"candidate.birth_date"}},
		{name: "age at most 100", mutate: func(d *candidate.Details) { d.BirthDate = "1925-03-15" },
			wantFields: []string{"candidate.birth_date"}},
		{name: "birth date in the future", mutate: func(d *candidate.Details) { d.BirthDate = "2030-01-01" },
			wantFields: []string{"candidate.birth_date"}},
		{name: "R56: sex is M or F", mutate: func(d *candidate.Details) { d.Sex = "X" },
			wantFields: []string{"candidate.sex"}},
		{name: "R56: INSEE code of 5 characters", mutate: func(d *candidate.Details) { d.BirthPlace.InseeCode = "7505" },
			wantFields: []string{"candidate.birth_place.insee_code"}},
		{name: "R56: INSEE code's department is digits or 2A/2B", mutate: func(d *candidate.Details) { d.BirthPlace.InseeCode = "2C004" },
			wantFields: []string{"candidate.birth_place.insee_code"}},
		{name: "R56: born in France, not a country's INSEE code", mutate: func(d *candidate.Details) { d.BirthPlace.InseeCode = "99134" },
			wantFields: []string{"candidate.birth_place.insee_code"}},
		{name: "France VAE candidature id is a UUID", mutate: func(d *candidate.Details) { d.FranceVaeCandidatureID = "12345" },
			wantFields: []string{"candidate.france_vae_candidature_id"}},
		{name: "France VAE candidature id in lower case", mutate: func(d *candidate.Details) {
			d.FranceVaeCandidatureID = "7E4BF4D6-1C5F-4F3C-9B3E-2D1A0C9E8F71"
		}, wantFields: []string{"candidate.france_vae_candidature_id"}},
		{name: "birth place required", mutate: func(d *candidate.Details) { d.BirthPlace = candidate.BirthPlace{} },
			wantFields: []string{"candidate.birth_place.commune", "candidate.birth_place.country_code"}},
		{name: "birth country code upper case", mutate: func(d *candidate.Details) { d.BirthPlace.CountryCode = "fr" },
			wantFields: []string{"candidate.birth_place.country_code"}},
		{name: "birth country code two letters", mutate: func(d *candidate.Details) { d.BirthPlace.CountryCode = "FRA" },
			wantFields: []string{"candidate.birth_place.country_code"}},
		{name: "birth commune at most 100 characters", mutate: func(d *candidate.Details) { d.BirthPlace.Commune = strings.Repeat("c", 101) },
			wantFields: []string{"candidate.birth_place.commune"}},
		{name: "email required", mutate: func(d *candidate.Details) { d.Email = "" },
			wantFields: []string{"candidate.email"}},
		{name: "email syntax", mutate: func(d *candidate.Details) { d.Email = "camille.example.org" },
			wantFields: []string{"candidate.email"}},
		{name: "email without display name", mutate: func(d *candidate.Details) { d.Email = "Camille <camille@example.org>" },
			wantFields: []string{"candidate.email"}},
		{name: "email domain with a dot", mutate: func(d *candidate.Details) { d.Email = "camille@localhost" },
			wantFields: []string{"candidate.email"}},
		{name: "email at most 254 characters", mutate: func(d *candidate.Details) { d.Email = strings.Repeat("a", 250) + "@example.org" },
			wantFields: []string{"candidate.email"}},
		{name: "phone in international form", mutate: func(d *candidate.Details) { d.Phone = "06 12 34 56 78" },
			wantFields: []string{"candidate.phone"}},
		{name: "phone at most 15 digits", mutate: func(d *candidate.Details) { d.Phone = "+3361234567890123" },
			wantFields: []string{"candidate.phone"}},
		{name: "address: 1 to 4 lines of at most 38 characters", mutate: func(d *candidate.Details) {
			d.PostalAddress.Lines = []string{"1", "2", "3", "4", strings.Repeat("x", 39)}
		}, wantFields: []string{"candidate.postal_address.lines", "candidate.postal_address.lines[4]"}},
		{name: "address: French postal code is five digits", mutate: func(d *candidate.Details) { d.PostalAddress.PostalCode = "7502" },
			wantFields: []string{"candidate.postal_address.postal_code"}},
		{name: "address: French postal code required", mutate: func(d *candidate.Details) { d.PostalAddress.PostalCode = "" },
			wantFields: []string{"candidate.postal_address.postal_code"}},
		{name: "address: locality and country required", mutate: func(d *candidate.Details) {
			d.PostalAddress.Locality, d.PostalAddress.CountryCode = "", ""
		}, wantFields: []string{"candidate.postal_address.country_code", "candidate.postal_address.locality"}},
		{name: "access route required", mutate: func(d *candidate.Details) { d.AccessRoute = candidate.RouteUnspecified },
			wantFields: []string{"candidate.access_route"}},
		{name: "access route must be known", mutate: func(d *candidate.Details) { d.AccessRoute = "FREE" },
			wantFields: []string{"candidate.access_route"}},
		{name: "R24: training route requires training evidence", mutate: func(d *candidate.Details) { d.Training = nil },
			wantFields: []string{"candidate.training"}},
		{name: "R24: apprenticeship route requires training evidence", mutate: func(d *candidate.Details) {
			d.AccessRoute, d.Training = candidate.RouteApprenticeship, nil
		}, wantFields: []string{"candidate.training"}},
		{name: "training route refuses a VAE admissibility", mutate: func(d *candidate.Details) { d.VAE = vaeDetails().VAE },
			wantFields: []string{"candidate.vae_admissibility"}},
		{name: "R25: VAE route requires an admissibility", mutate: func(d *candidate.Details) {
			d.AccessRoute = candidate.RouteVAE
		}, wantFields: []string{"candidate.training", "candidate.vae_admissibility"}},
		{name: "VAE route refuses training evidence", mutate: func(d *candidate.Details) {
			*d = vaeDetails()
			d.Training = &candidate.TrainingEnrolment{Organisation: "AFPA"}
		}, wantFields: []string{"candidate.training"}},
		{name: "training organisation required", mutate: func(d *candidate.Details) { d.Training.Organisation = "" },
			wantFields: []string{"candidate.training.organisation"}},
		{name: "training organisation at most 200 characters", mutate: func(d *candidate.Details) {
			d.Training.Organisation = strings.Repeat("o", 201)
		}, wantFields: []string{"candidate.training.organisation"}},
		{name: "R24: the training's title is a catalogue code", mutate: func(d *candidate.Details) { d.Training.TitleID = "TP 00495!" },
			wantFields: []string{"candidate.training.title_id"}},
		{name: "R28: the training's CCPs are those of a title, once each", mutate: func(d *candidate.Details) {
			d.Training.TitleID, d.Training.CCPCodes = "", []string{"CCP1", "CCP1", " "}
		}, wantFields: []string{"candidate.training.ccp_codes[1]", "candidate.training.ccp_codes[2]", "candidate.training.title_id"}},
		{name: "SIRET is 14 digits", mutate: func(d *candidate.Details) { d.Training.OrganisationSIRET = "7328293200007" },
			wantFields: []string{"candidate.training.organisation_siret"}},
		{name: "SIRET digits only", mutate: func(d *candidate.Details) { d.Training.OrganisationSIRET = "7328293200007A" },
			wantFields: []string{"candidate.training.organisation_siret"}},
		{name: "SIRET check digit (Luhn)", mutate: func(d *candidate.Details) { d.Training.OrganisationSIRET = "73282932000075" },
			wantFields: []string{"candidate.training.organisation_siret"}},
		{name: "SIRET of La Poste with a bad digit sum", mutate: func(d *candidate.Details) { d.Training.OrganisationSIRET = "35600000000011" },
			wantFields: []string{"candidate.training.organisation_siret"}},
		{name: "training dates format", mutate: func(d *candidate.Details) { d.Training.StartDate, d.Training.EndDate = "2025-9-1", "soon" },
			wantFields: []string{"candidate.training.end_date", "candidate.training.start_date"}},
		{name: "training end not before start", mutate: func(d *candidate.Details) { d.Training.EndDate = "2025-08-31" },
			wantFields: []string{"candidate.training.end_date"}},
		{name: "R25: admissibility decision date required", mutate: func(d *candidate.Details) {
			*d = vaeDetails()
			d.VAE.DecisionDate = ""
		}, wantFields: []string{"candidate.vae_admissibility.decision_date"}},
		{name: "R25: admissibility decision date not in the future", mutate: func(d *candidate.Details) {
			*d = vaeDetails()
			d.VAE.DecisionDate = "2026-03-16"
		}, wantFields: []string{"candidate.vae_admissibility.decision_date"}},
		{name: "admissibility decided_by and reference lengths", mutate: func(d *candidate.Details) {
			*d = vaeDetails()
			d.VAE.DecidedBy, d.VAE.Reference = strings.Repeat("d", 201), strings.Repeat("r", 101)
		}, wantFields: []string{"candidate.vae_admissibility.decided_by", "candidate.vae_admissibility.reference"}},
		{name: "every bad field is listed at once", mutate: func(d *candidate.Details) {
			d.BirthName, d.Email, d.Phone, d.BirthPlace.CountryCode = "", "nope", "123", "france"
		}, wantFields: []string{
			"candidate.birth_name", "candidate.birth_place.country_code", "candidate.email", "candidate.phone",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := trainingDetails()
			tt.mutate(&d)
			_, err := candidate.New("id-1", "", d, now)
			got := violationFields(t, err)
			want := slices.Sorted(slices.Values(tt.wantFields))
			if !slices.Equal(got, want) {
				t.Errorf("violations = %v; want %v", got, want)
			}
		})
	}
}

func TestNew_R25AdmissibilityExpired(t *testing.T) {
	t.Parallel()
	d := vaeDetails()
	d.VAE.DecisionDate = "2025-03-14" // valid until 2026-03-14, today is 2026-03-15
	_, err := candidate.New("id-1", "", d, now)
	if !errors.Is(err, candidate.ErrVAEAdmissibilityExpired) {
		t.Fatalf("New() = %v; want ErrVAEAdmissibilityExpired", err)
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.KindFailedPrecondition || ae.Rule != "R25" || ae.Meta["valid_until"] != "2026-03-14" {
		t.Errorf("error = %+v; want FailedPrecondition, rule R25, valid_until 2026-03-14", ae)
	}
}

func TestNew_NormalizesAndRecordsRegistered(t *testing.T) {
	t.Parallel()
	d := trainingDetails()
	d.BirthName = "  Martin "
	d.GivenNames = []string{" Camille"}
	c, err := candidate.New("id-1", "centre-1", d, now.Add(123*time.Nanosecond))
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	got := c.Details()
	if got.BirthName != "Martin" || got.GivenNames[0] != "Camille" {
		t.Errorf("details = %+v; want trimmed names", got)
	}
	if c.CentreID() != "centre-1" || !c.CreatedAt().Equal(now) || !c.UpdatedAt().Equal(now) {
		t.Errorf("centre, created, updated = %q, %v, %v; want centre-1 and %v (microseconds)", c.CentreID(), c.CreatedAt(), c.UpdatedAt(), now)
	}
	events := c.PullEvents()
	if len(events) != 1 {
		t.Fatalf("events = %v; want one Registered", events)
	}
	reg, ok := events[0].(candidate.Registered)
	if !ok || reg.Candidate.ID() != "id-1" || reg.Candidate.Version() != 1 {
		t.Errorf("event = %#v; want Registered of id-1 at version 1", events[0])
	}
	if more := c.PullEvents(); len(more) != 0 {
		t.Errorf("second PullEvents() = %v; want none", more)
	}
}
