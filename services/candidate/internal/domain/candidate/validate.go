package candidate

import (
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
)

// Limits documented on the API resource (candidate.proto, common.proto).
// Subject, DecidedBy and Reference have no documented limit; theirs are
// generous bounds that keep hostile input out of the database.
const (
	maxSubject      = 255
	maxName         = 100
	maxGivenName    = 60
	maxGivenNames   = 5
	maxCommune      = 100
	maxEmail        = 254 // RFC 5321 path limit
	maxAddressLines = 4
	maxAddressLine  = 38 // NF Z10-011 line width
	maxLocality     = 38 // NF Z10-011 line width
	maxOrganisation = 200
	maxDecidedBy    = 200
	maxReference    = 100
	maxCode         = 40
	maxTrainingCCPs = 30
	minAge, maxAge  = 15, 100
)

// timeChecks selects the checks whose outcome depends on today's date. On
// creation all run; on update only those whose fields change, so that a
// record valid when written does not block an unrelated change later
// (someone registered at 100 turns 101; an admissibility expires).
type timeChecks struct {
	age           bool // 15 ≤ age ≤ 100
	admissibility bool // R25: the VAE admissibility is still valid today
}

var allTimeChecks = timeChecks{age: true, admissibility: true}

// validate checks d (already normalized) at instant now. It returns
// apperr.Invalid listing every bad field, or, when every field is well
// formed, ErrVAEAdmissibilityExpired if an expired admissibility is checked.
func (d Details) validate(now time.Time, checks timeChecks) error {
	today := civildate.Of(now)
	var v violations

	v.text(field("subject"), d.Subject, false, maxSubject)
	v.text(field("birth_name"), d.BirthName, true, maxName)
	v.text(field("usage_name"), d.UsageName, false, maxName)
	v.givenNames(d.GivenNames)
	v.birthDate(d.BirthDate, today, checks.age)
	v.text(field("birth_place.commune"), d.BirthPlace.Commune, true, maxCommune)
	v.countryCode(field("birth_place.country_code"), d.BirthPlace.CountryCode)
	v.inseeCode(field("birth_place.insee_code"), d.BirthPlace.InseeCode, d.BirthPlace.CountryCode)
	v.sex(field("sex"), d.Sex)
	v.franceVaeID(field("france_vae_candidature_id"), d.FranceVaeCandidatureID)
	v.email(field("email"), d.Email)
	v.phone(field("phone"), d.Phone)
	if d.PostalAddress != nil {
		v.postalAddress(*d.PostalAddress)
	}
	v.evidence(d)
	if d.Training != nil {
		v.training(*d.Training)
	}
	if d.VAE != nil {
		v.admissibility(*d.VAE, today)
	}
	if err := v.Err(); err != nil {
		return err
	}
	if checks.admissibility && d.VAE != nil {
		return checkAdmissibilityValid(*d.VAE, today)
	}
	return nil
}

// field returns the API path of a candidate field.
func field(path string) string { return "candidate." + path }

func (v *violations) givenNames(names []string) {
	if len(names) == 0 || len(names) > maxGivenNames {
		v.Add(field("given_names"), fmt.Sprintf("must hold 1 to %d given names", maxGivenNames))
	}
	for i, n := range names {
		v.text(field(fmt.Sprintf("given_names[%d]", i)), n, true, maxGivenName)
	}
}

func (v *violations) birthDate(s string, today civildate.Date, checkAge bool) {
	f := field("birth_date")
	born, ok := v.date(f, s, true)
	if !ok || !checkAge {
		return
	}
	switch age := born.YearsUntil(today); {
	case age < minAge:
		v.Add(f, fmt.Sprintf("the person must be at least %d years old", minAge))
	case age > maxAge:
		v.Add(f, fmt.Sprintf("the person must be at most %d years old", maxAge))
	}
}

func (v *violations) postalAddress(a PostalAddress) {
	if len(a.Lines) == 0 || len(a.Lines) > maxAddressLines {
		v.Add(field("postal_address.lines"), fmt.Sprintf("must hold 1 to %d lines", maxAddressLines))
	}
	for i, l := range a.Lines {
		v.text(field(fmt.Sprintf("postal_address.lines[%d]", i)), l, true, maxAddressLine)
	}
	v.text(field("postal_address.locality"), a.Locality, true, maxLocality)
	v.countryCode(field("postal_address.country_code"), a.CountryCode)
	v.postalCode(field("postal_address.postal_code"), a.PostalCode, a.CountryCode)
}

// evidence checks that the route carries its evidence and only it (R24, R25).
func (v *violations) evidence(d Details) {
	switch r := d.AccessRoute; {
	case r.needsTraining():
		if d.Training == nil {
			v.Add(field("training"), fmt.Sprintf("required for access route %s (R24)", r))
		}
		if d.VAE != nil {
			v.Add(field("vae_admissibility"), fmt.Sprintf("must be empty for access route %s", r))
		}
	case r == RouteVAE:
		if d.VAE == nil {
			v.Add(field("vae_admissibility"), "required for access route VAE (R25)")
		}
		if d.Training != nil {
			v.Add(field("training"), "must be empty for access route VAE")
		}
	default:
		v.Add(field("access_route"), "required: TRAINING, APPRENTICESHIP or VAE")
	}
}

func (v *violations) training(t TrainingEnrolment) {
	v.text(field("training.organisation"), t.Organisation, true, maxOrganisation)
	v.siret(field("training.organisation_siret"), t.OrganisationSIRET)
	start, startOK := v.date(field("training.start_date"), t.StartDate, false)
	end, endOK := v.date(field("training.end_date"), t.EndDate, false)
	if startOK && endOK && t.StartDate != "" && t.EndDate != "" && end.Before(start) {
		v.Add(field("training.end_date"), "must not be before training.start_date")
	}
	v.code(field("training.title_id"), t.TitleID)
	if len(t.CCPCodes) > maxTrainingCCPs {
		v.Add(field("training.ccp_codes"), fmt.Sprintf("at most %d codes", maxTrainingCCPs))
	}
	seen := map[string]bool{}
	for i, c := range t.CCPCodes {
		f := fmt.Sprintf("%s[%d]", field("training.ccp_codes"), i)
		switch {
		case c == "":
			v.Add(f, "must not be empty")
		case seen[c]:
			v.Add(f, c+" is repeated")
		default:
			v.code(f, c)
		}
		seen[c] = true
	}
	if len(t.CCPCodes) > 0 && t.TitleID == "" {
		v.Add(field("training.title_id"), "required when training.ccp_codes is set: the CCPs are those of a title")
	}
}

// code checks an optional catalogue code (title or CCP): up to
// maxCode letters, digits, '-', '_' or '.'.
func (v *violations) code(f, s string) {
	if s == "" {
		return
	}
	if len(s) > maxCode {
		v.Add(f, fmt.Sprintf("at most %d characters", maxCode))
		return
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			v.Add(f, "letters, digits, '-', '_' or '.' only")
			return
		}
	}
}

func (v *violations) admissibility(a VAEAdmissibility, today civildate.Date) {
	f := field("vae_admissibility.decision_date")
	if decided, ok := v.date(f, a.DecisionDate, true); ok && decided.After(today) {
		v.Add(f, "must not be in the future")
	}
	v.text(field("vae_admissibility.decided_by"), a.DecidedBy, false, maxDecidedBy)
	v.text(field("vae_admissibility.reference"), a.Reference, false, maxReference)
}

// checkAdmissibilityValid enforces R25 on the record: the decision is valid
// one year from its date, through decision date + 1 year inclusive. A
// candidate may not be registered, or re-documented, on an admissibility that
// has already lapsed; session registration checks the same rule against the
// session date later.
func checkAdmissibilityValid(a VAEAdmissibility, today civildate.Date) error {
	decided, err := civildate.Parse(a.DecisionDate)
	if err != nil {
		return nil // reported as a field violation before we get here
	}
	validUntil := decided.AddYears(1)
	if today.After(validUntil) {
		return ErrVAEAdmissibilityExpired.
			WithMessage(fmt.Sprintf("the VAE admissibility decided on %s expired after %s (valid one year, R25)", decided, validUntil)).
			WithMeta("valid_until", validUntil.String())
	}
	return nil
}
