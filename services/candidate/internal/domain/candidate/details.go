package candidate

import (
	"slices"
	"strings"

	"github.com/titrepro/titrepro/internal/civildate"
)

// AccessRoute is how the person prepares the title (domain.md §6); it
// decides which evidence the record must carry.
type AccessRoute string

// The access routes. RouteUnspecified is refused by validation.
const (
	RouteUnspecified    AccessRoute = ""
	RouteTraining       AccessRoute = "TRAINING"
	RouteApprenticeship AccessRoute = "APPRENTICESHIP"
	RouteVAE            AccessRoute = "VAE"
)

// needsTraining reports whether the route's evidence is a training
// enrolment (R24).
func (r AccessRoute) needsTraining() bool {
	return r == RouteTraining || r == RouteApprenticeship
}

// Details are the fields of a candidate that clients write, on creation and
// through update masks. Dates are "YYYY-MM-DD" strings; the zero value of an
// optional part means "absent".
type Details struct {
	Subject    string   // identity-provider "sub"; empty until the person has an account
	BirthName  string   // nom de naissance
	UsageName  string   // nom d'usage, optional
	GivenNames []string // in civil-status order
	BirthDate  string
	BirthPlace BirthPlace
	// Sex is the civil-status sex as the CPF deposit codes it, "M" or "F";
	// optional (empty), required to deposit a titre (R56).
	Sex string
	// FranceVaeCandidatureID is the id (a lower-case UUID) of the person's
	// candidature on France VAE, the key its jury results are pushed
	// under; optional (empty).
	FranceVaeCandidatureID string
	Email                  string
	Phone                  string         // international form, optional
	PostalAddress          *PostalAddress // optional
	AccessRoute            AccessRoute
	Training               *TrainingEnrolment // evidence of TRAINING and APPRENTICESHIP
	VAE                    *VAEAdmissibility  // evidence of VAE
}

// BirthPlace is where the person was born.
type BirthPlace struct {
	Commune     string
	CountryCode string // ISO 3166-1 alpha-2
	// InseeCode is the INSEE code of the birth commune ("99xxx", the
	// country's code, for a person born abroad); optional, required to
	// deposit a titre (R56).
	InseeCode string
}

// PostalAddress follows the French postal norm NF Z10-011.
type PostalAddress struct {
	Lines       []string
	PostalCode  string
	Locality    string
	CountryCode string // ISO 3166-1 alpha-2
}

// TrainingEnrolment is the training action consistent with the title (R24).
type TrainingEnrolment struct {
	Organisation      string
	OrganisationSIRET string // 14 digits, optional
	StartDate         string // optional
	EndDate           string // optional, not before StartDate
	// TitleID is the title the training prepares (R24); optional on the
	// record, required by the assessment service to register the candidate
	// to a session.
	TitleID string
	// CCPCodes are the CCPs of that title the training covers when it
	// covers only some (R28); empty: the whole title.
	CCPCodes []string
}

// VAEAdmissibility is the positive recevabilité decision of the VAE route,
// valid one year from its date (R25).
type VAEAdmissibility struct {
	DecisionDate string
	DecidedBy    string // optional
	Reference    string // optional
}

// ValidUntil returns the last day the decision is valid, decision date plus
// one year (R25), or "" when the decision date is not a valid date.
func (v VAEAdmissibility) ValidUntil() string {
	d, err := civildate.Parse(v.DecisionDate)
	if err != nil {
		return ""
	}
	return d.AddYears(1).String()
}

// normalized returns a deep copy with surrounding white space trimmed from
// every text and empty lists as nil, so that equal inputs compare and hash
// equal whatever the client's formatting.
func (d Details) normalized() Details {
	n := d.clone()
	for _, s := range []*string{
		&n.Subject, &n.BirthName, &n.UsageName, &n.BirthDate, &n.BirthPlace.Commune,
		&n.BirthPlace.CountryCode, &n.BirthPlace.InseeCode, &n.Sex, &n.FranceVaeCandidatureID, &n.Email, &n.Phone,
	} {
		*s = strings.TrimSpace(*s)
	}
	n.GivenNames = trimAll(n.GivenNames)
	if a := n.PostalAddress; a != nil {
		a.Lines = trimAll(a.Lines)
		a.PostalCode = strings.TrimSpace(a.PostalCode)
		a.Locality = strings.TrimSpace(a.Locality)
		a.CountryCode = strings.TrimSpace(a.CountryCode)
	}
	if t := n.Training; t != nil {
		t.Organisation = strings.TrimSpace(t.Organisation)
		t.OrganisationSIRET = strings.TrimSpace(t.OrganisationSIRET)
		t.StartDate = strings.TrimSpace(t.StartDate)
		t.EndDate = strings.TrimSpace(t.EndDate)
		t.TitleID = strings.TrimSpace(t.TitleID)
		t.CCPCodes = trimAll(t.CCPCodes)
	}
	if v := n.VAE; v != nil {
		v.DecisionDate = strings.TrimSpace(v.DecisionDate)
		v.DecidedBy = strings.TrimSpace(v.DecidedBy)
		v.Reference = strings.TrimSpace(v.Reference)
	}
	return n
}

func trimAll(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.TrimSpace(s)
	}
	return out
}

// clone returns a deep copy: no slice or pointer is shared with d.
func (d Details) clone() Details {
	c := d
	c.GivenNames = slices.Clone(d.GivenNames)
	c.PostalAddress = cloneAddress(d.PostalAddress)
	c.Training = cloneTraining(d.Training)
	c.VAE = clonePtr(d.VAE)
	return c
}

func cloneTraining(t *TrainingEnrolment) *TrainingEnrolment {
	if t == nil {
		return nil
	}
	c := *t
	c.CCPCodes = slices.Clone(t.CCPCodes)
	return &c
}

func cloneAddress(a *PostalAddress) *PostalAddress {
	if a == nil {
		return nil
	}
	c := *a
	c.Lines = slices.Clone(a.Lines)
	return &c
}

// clonePtr copies a struct without references (VAEAdmissibility).
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}
