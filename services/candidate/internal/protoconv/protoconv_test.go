package protoconv_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/candidate/internal/protoconv"
)

var now = time.Date(2026, 3, 15, 11, 0, 0, 0, time.UTC)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		d    candidate.Details
	}{
		{name: "training route with every field", d: candidate.Details{
			Subject: "user-1", BirthName: "Martin", UsageName: "Durand", GivenNames: []string{"Camille", "Marie"},
			BirthDate: "1990-06-01", BirthPlace: candidate.BirthPlace{Commune: "Lyon", CountryCode: "FR", InseeCode: "69123"}, Sex: "F",
			FranceVaeCandidatureID: "7e4bf4d6-1c5f-4f3c-9b3e-2d1a0c9e8f71",
			Email:                  "c@example.org", Phone: "+33612345678",
			PostalAddress: &candidate.PostalAddress{Lines: []string{"1 rue A"}, PostalCode: "75002", Locality: "Paris", CountryCode: "FR"},
			AccessRoute:   candidate.RouteApprenticeship,
			Training: &candidate.TrainingEnrolment{Organisation: "CFA", OrganisationSIRET: "73282932000074", StartDate: "2025-09-01", EndDate: "2026-06-30",
				TitleID: "TP-00495", CCPCodes: []string{"CCP3"}},
		}},
		{name: "VAE route, optional parts absent", d: candidate.Details{
			BirthName: "Martin", GivenNames: []string{"Camille"}, BirthDate: "1990-06-01",
			BirthPlace: candidate.BirthPlace{Commune: "Alger", CountryCode: "DZ"}, Email: "c@example.org",
			AccessRoute: candidate.RouteVAE,
			VAE:         &candidate.VAEAdmissibility{DecisionDate: "2025-06-10", DecidedBy: "DREETS", Reference: "R-1"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := candidate.New("0197a5d0-0000-7000-8000-000000000001", "C1", tt.d, now)
			require.NoError(t, err)
			pc := protoconv.CandidateToProto(c)
			require.Equal(t, c.ID(), pc.GetId())
			require.Equal(t, "C1", pc.GetCentreId())
			require.Equal(t, "1", pc.GetEtag())
			require.True(t, pc.GetCreateTime().AsTime().Equal(now))
			require.Equal(t, tt.d, protoconv.DetailsFromProto(pc))
		})
	}
}

func TestCandidateToProto_ValidUntil(t *testing.T) {
	t.Parallel()
	c, err := candidate.New("id-1", "", candidate.Details{
		BirthName: "Martin", GivenNames: []string{"Camille"}, BirthDate: "1990-06-01",
		BirthPlace: candidate.BirthPlace{Commune: "Lyon", CountryCode: "FR"}, Email: "c@example.org",
		AccessRoute: candidate.RouteVAE, VAE: &candidate.VAEAdmissibility{DecisionDate: "2025-06-10"},
	}, now)
	require.NoError(t, err)
	require.Equal(t, "2026-06-10", protoconv.CandidateToProto(c).GetVaeAdmissibility().GetValidUntil(), "R25: decision + 1 year")
}

func TestDetailsFromProto_IgnoresOutputOnlyAndRefusesUnknownRoutes(t *testing.T) {
	t.Parallel()
	d := protoconv.DetailsFromProto(&candidatev1.Candidate{
		Id: "forged", CentreId: "forged", Etag: "9",
		AccessRoute:      commonv1.AccessRoute(42),
		VaeAdmissibility: &candidatev1.VaeAdmissibility{DecisionDate: "2025-06-10", ValidUntil: "2099-01-01"},
	})
	require.Equal(t, candidate.AccessRoute("UNKNOWN_42"), d.AccessRoute)
	require.Equal(t, candidate.VAEAdmissibility{DecisionDate: "2025-06-10"}, *d.VAE)
	require.Nil(t, d.GivenNames)
	require.Nil(t, protoconv.DetailsFromProto(&candidatev1.Candidate{}).Training)
}
