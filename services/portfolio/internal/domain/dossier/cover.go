package dossier

import (
	"slices"

	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// AccessMode is the access mode printed on the cover.
type AccessMode string

// The access modes of the official model: ☐ VAE ☐ Parcours de formation.
const (
	AccessModeUnknown   AccessMode = ""
	AccessModeVAE       AccessMode = "VAE"
	AccessModeFormation AccessMode = "FORMATION"
)

// AccessModeFor returns the cover's access mode for a candidate's access
// route (R42): VAE for the VAE route, FORMATION for the training and
// apprenticeship routes, unknown otherwise.
func AccessModeFor(route refdata.AccessRoute) AccessMode {
	switch route {
	case refdata.RouteVAE:
		return AccessModeVAE
	case refdata.RouteTraining, refdata.RouteApprenticeship:
		return AccessModeFormation
	default:
		return AccessModeUnknown
	}
}

// Cover is the cover page (page de garde).
type Cover struct {
	BirthName  string
	UsageName  string
	GivenNames []string
	Address    *refdata.PostalAddress
	TitleLabel string
	AccessMode AccessMode
}

// CoverOf derives the cover from the candidate record and the title: the
// candidate never types it, so that it always matches the enrolment (R42).
func CoverOf(c refdata.Candidate, t refdata.Title) Cover {
	cover := Cover{
		BirthName:  c.BirthName,
		UsageName:  c.UsageName,
		GivenNames: slices.Clone(c.GivenNames),
		TitleLabel: t.Label,
		AccessMode: AccessModeFor(c.Route),
	}
	if c.Address != nil {
		a := *c.Address
		a.Lines = slices.Clone(a.Lines)
		cover.Address = &a
	}
	return cover
}
