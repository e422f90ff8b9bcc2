// Package protoconv converts between the candidate domain and the protobuf
// messages of titrepro.candidate.v1. Both the gRPC port and the outbox
// writer (events carry the resource) use it, so it belongs to neither.
package protoconv

import (
	"fmt"
	"slices"

	"google.golang.org/protobuf/types/known/timestamppb"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

// CandidateToProto returns the API resource of c, etag included.
func CandidateToProto(c *candidate.Candidate) *candidatev1.Candidate {
	pc := candidateWithoutEtag(c)
	pc.Etag = c.Etag()
	return pc
}

// candidateWithoutEtag is the resource as events carry it: consumers order
// changes by the event's version, not by an opaque etag.
func candidateWithoutEtag(c *candidate.Candidate) *candidatev1.Candidate {
	d := c.Details()
	pc := &candidatev1.Candidate{
		Id:         c.ID(),
		Subject:    d.Subject,
		BirthName:  d.BirthName,
		UsageName:  d.UsageName,
		GivenNames: slices.Clone(d.GivenNames),
		BirthDate:  d.BirthDate,
		BirthPlace: &candidatev1.BirthPlace{Commune: d.BirthPlace.Commune, CountryCode: d.BirthPlace.CountryCode,
			InseeCode: d.BirthPlace.InseeCode},
		Sex:                    d.Sex,
		FranceVaeCandidatureId: d.FranceVaeCandidatureID,
		Email:                  d.Email,
		Phone:                  d.Phone,
		AccessRoute:            accessRouteToProto(d.AccessRoute),
		CentreId:               c.CentreID(),
		CreateTime:             timestamppb.New(c.CreatedAt()),
		UpdateTime:             timestamppb.New(c.UpdatedAt()),
	}
	if a := d.PostalAddress; a != nil {
		pc.PostalAddress = &commonv1.PostalAddress{
			Lines: slices.Clone(a.Lines), PostalCode: a.PostalCode, Locality: a.Locality, CountryCode: a.CountryCode,
		}
	}
	if t := d.Training; t != nil {
		pc.Training = &candidatev1.TrainingEnrolment{
			Organisation: t.Organisation, OrganisationSiret: t.OrganisationSIRET, StartDate: t.StartDate, EndDate: t.EndDate,
			TitleId: t.TitleID, CcpCodes: slices.Clone(t.CCPCodes),
		}
	}
	if v := d.VAE; v != nil {
		pc.VaeAdmissibility = &candidatev1.VaeAdmissibility{
			DecisionDate: v.DecisionDate, DecidedBy: v.DecidedBy, Reference: v.Reference, ValidUntil: v.ValidUntil(),
		}
	}
	return pc
}

// DetailsFromProto returns the client-written fields of pc; output-only
// fields (id, centre_id, times, valid_until) and the etag are not read.
func DetailsFromProto(pc *candidatev1.Candidate) candidate.Details {
	d := candidate.Details{
		Subject:    pc.GetSubject(),
		BirthName:  pc.GetBirthName(),
		UsageName:  pc.GetUsageName(),
		GivenNames: slices.Clone(pc.GetGivenNames()),
		BirthDate:  pc.GetBirthDate(),
		BirthPlace: candidate.BirthPlace{Commune: pc.GetBirthPlace().GetCommune(), CountryCode: pc.GetBirthPlace().GetCountryCode(),
			InseeCode: pc.GetBirthPlace().GetInseeCode()},
		Sex:                    pc.GetSex(),
		FranceVaeCandidatureID: pc.GetFranceVaeCandidatureId(),
		Email:                  pc.GetEmail(),
		Phone:                  pc.GetPhone(),
		AccessRoute:            accessRouteFromProto(pc.GetAccessRoute()),
	}
	if a := pc.GetPostalAddress(); a != nil {
		d.PostalAddress = &candidate.PostalAddress{
			Lines: slices.Clone(a.GetLines()), PostalCode: a.GetPostalCode(), Locality: a.GetLocality(), CountryCode: a.GetCountryCode(),
		}
	}
	if t := pc.GetTraining(); t != nil {
		d.Training = &candidate.TrainingEnrolment{
			Organisation: t.GetOrganisation(), OrganisationSIRET: t.GetOrganisationSiret(),
			StartDate: t.GetStartDate(), EndDate: t.GetEndDate(),
			TitleID: t.GetTitleId(), CCPCodes: slices.Clone(t.GetCcpCodes()),
		}
	}
	if v := pc.GetVaeAdmissibility(); v != nil {
		d.VAE = &candidate.VAEAdmissibility{DecisionDate: v.GetDecisionDate(), DecidedBy: v.GetDecidedBy(), Reference: v.GetReference()}
	}
	return d
}

func accessRouteToProto(r candidate.AccessRoute) commonv1.AccessRoute {
	switch r {
	case candidate.RouteTraining:
		return commonv1.AccessRoute_ACCESS_ROUTE_TRAINING
	case candidate.RouteApprenticeship:
		return commonv1.AccessRoute_ACCESS_ROUTE_APPRENTICESHIP
	case candidate.RouteVAE:
		return commonv1.AccessRoute_ACCESS_ROUTE_VAE
	default:
		return commonv1.AccessRoute_ACCESS_ROUTE_UNSPECIFIED
	}
}

// accessRouteFromProto maps an enum value a newer client may send but this
// server does not know to a route the domain refuses, rather than to
// "unspecified", so the error says the value is not supported.
func accessRouteFromProto(r commonv1.AccessRoute) candidate.AccessRoute {
	switch r {
	case commonv1.AccessRoute_ACCESS_ROUTE_UNSPECIFIED:
		return candidate.RouteUnspecified
	case commonv1.AccessRoute_ACCESS_ROUTE_TRAINING:
		return candidate.RouteTraining
	case commonv1.AccessRoute_ACCESS_ROUTE_APPRENTICESHIP:
		return candidate.RouteApprenticeship
	case commonv1.AccessRoute_ACCESS_ROUTE_VAE:
		return candidate.RouteVAE
	default:
		return candidate.AccessRoute(fmt.Sprintf("UNKNOWN_%d", int32(r)))
	}
}
