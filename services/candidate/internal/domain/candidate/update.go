package candidate

import (
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/updatemask"
)

// pathSpec reads and writes the value at one update-mask path.
type pathSpec struct {
	get func(d *Details) any
	set func(dst, src *Details)
}

// leaf builds the spec of a path from a typed getter and setter; set must
// create the parent of a nested field when it is absent.
func leaf[T any](get func(d *Details) T, set func(d *Details, v T)) pathSpec {
	return pathSpec{
		get: func(d *Details) any { return get(d) },
		set: func(dst, src *Details) { set(dst, get(src)) },
	}
}

// updatablePaths are the update-mask paths clients may send, including the
// nested leaves that grpc-gateway derives from a PATCH body.
var updatablePaths = map[string]pathSpec{
	"subject":    leaf(func(d *Details) string { return d.Subject }, func(d *Details, v string) { d.Subject = v }),
	"birth_name": leaf(func(d *Details) string { return d.BirthName }, func(d *Details, v string) { d.BirthName = v }),
	"usage_name": leaf(func(d *Details) string { return d.UsageName }, func(d *Details, v string) { d.UsageName = v }),
	"given_names": leaf(func(d *Details) []string { return d.GivenNames },
		func(d *Details, v []string) { d.GivenNames = slices.Clone(v) }),
	"birth_date":  leaf(func(d *Details) string { return d.BirthDate }, func(d *Details, v string) { d.BirthDate = v }),
	"birth_place": leaf(func(d *Details) BirthPlace { return d.BirthPlace }, func(d *Details, v BirthPlace) { d.BirthPlace = v }),
	"birth_place.commune": leaf(func(d *Details) string { return d.BirthPlace.Commune },
		func(d *Details, v string) { d.BirthPlace.Commune = v }),
	"birth_place.country_code": leaf(func(d *Details) string { return d.BirthPlace.CountryCode },
		func(d *Details, v string) { d.BirthPlace.CountryCode = v }),
	"birth_place.insee_code": leaf(func(d *Details) string { return d.BirthPlace.InseeCode },
		func(d *Details, v string) { d.BirthPlace.InseeCode = v }),
	"france_vae_candidature_id": leaf(func(d *Details) string { return d.FranceVaeCandidatureID },
		func(d *Details, v string) { d.FranceVaeCandidatureID = v }),
	"sex":   leaf(func(d *Details) string { return d.Sex }, func(d *Details, v string) { d.Sex = v }),
	"email": leaf(func(d *Details) string { return d.Email }, func(d *Details, v string) { d.Email = v }),
	"phone": leaf(func(d *Details) string { return d.Phone }, func(d *Details, v string) { d.Phone = v }),
	"postal_address": leaf(func(d *Details) *PostalAddress { return d.PostalAddress },
		func(d *Details, v *PostalAddress) { d.PostalAddress = cloneAddress(v) }),
	"postal_address.lines": leaf(func(d *Details) []string { return addressOf(d).Lines },
		func(d *Details, v []string) { ensureAddress(d).Lines = slices.Clone(v) }),
	"postal_address.postal_code": leaf(func(d *Details) string { return addressOf(d).PostalCode },
		func(d *Details, v string) { ensureAddress(d).PostalCode = v }),
	"postal_address.locality": leaf(func(d *Details) string { return addressOf(d).Locality },
		func(d *Details, v string) { ensureAddress(d).Locality = v }),
	"postal_address.country_code": leaf(func(d *Details) string { return addressOf(d).CountryCode },
		func(d *Details, v string) { ensureAddress(d).CountryCode = v }),
	"access_route": leaf(func(d *Details) AccessRoute { return d.AccessRoute },
		func(d *Details, v AccessRoute) { d.AccessRoute = v }),
	"training": leaf(func(d *Details) *TrainingEnrolment { return d.Training },
		func(d *Details, v *TrainingEnrolment) { d.Training = cloneTraining(v) }),
	"training.organisation": leaf(func(d *Details) string { return trainingOf(d).Organisation },
		func(d *Details, v string) { ensureTraining(d).Organisation = v }),
	"training.organisation_siret": leaf(func(d *Details) string { return trainingOf(d).OrganisationSIRET },
		func(d *Details, v string) { ensureTraining(d).OrganisationSIRET = v }),
	"training.start_date": leaf(func(d *Details) string { return trainingOf(d).StartDate },
		func(d *Details, v string) { ensureTraining(d).StartDate = v }),
	"training.end_date": leaf(func(d *Details) string { return trainingOf(d).EndDate },
		func(d *Details, v string) { ensureTraining(d).EndDate = v }),
	"training.title_id": leaf(func(d *Details) string { return trainingOf(d).TitleID },
		func(d *Details, v string) { ensureTraining(d).TitleID = v }),
	"training.ccp_codes": leaf(func(d *Details) []string { return trainingOf(d).CCPCodes },
		func(d *Details, v []string) { ensureTraining(d).CCPCodes = slices.Clone(v) }),
	"vae_admissibility": leaf(func(d *Details) *VAEAdmissibility { return d.VAE },
		func(d *Details, v *VAEAdmissibility) { d.VAE = clonePtr(v) }),
	"vae_admissibility.decision_date": leaf(func(d *Details) string { return vaeOf(d).DecisionDate },
		func(d *Details, v string) { ensureVAE(d).DecisionDate = v }),
	"vae_admissibility.decided_by": leaf(func(d *Details) string { return vaeOf(d).DecidedBy },
		func(d *Details, v string) { ensureVAE(d).DecidedBy = v }),
	"vae_admissibility.reference": leaf(func(d *Details) string { return vaeOf(d).Reference },
		func(d *Details, v string) { ensureVAE(d).Reference = v }),
}

// outputOnlyPaths are fields the server sets; naming them in a mask is an
// error rather than silently ignored, so a client learns its mistake.
var outputOnlyPaths = []string{"id", "centre_id", "create_time", "update_time", "vae_admissibility.valid_until"}

func addressOf(d *Details) PostalAddress {
	if d.PostalAddress == nil {
		return PostalAddress{}
	}
	return *d.PostalAddress
}

func ensureAddress(d *Details) *PostalAddress {
	if d.PostalAddress == nil {
		d.PostalAddress = &PostalAddress{}
	}
	return d.PostalAddress
}

func trainingOf(d *Details) TrainingEnrolment {
	if d.Training == nil {
		return TrainingEnrolment{}
	}
	return *d.Training
}

func ensureTraining(d *Details) *TrainingEnrolment {
	if d.Training == nil {
		d.Training = &TrainingEnrolment{}
	}
	return d.Training
}

func vaeOf(d *Details) VAEAdmissibility {
	if d.VAE == nil {
		return VAEAdmissibility{}
	}
	return *d.VAE
}

func ensureVAE(d *Details) *VAEAdmissibility {
	if d.VAE == nil {
		d.VAE = &VAEAdmissibility{}
	}
	return d.VAE
}

// Update copies the fields of patch named by paths (update-mask paths of the
// API resource) into the candidate at instant now, validates the result and,
// if anything changed, bumps the version and records an Updated event. A
// mask that changes nothing is a successful no-op.
//
// Refused with InvalidArgument on "update_mask": an empty mask, "*", unknown
// paths, output-only paths and "subject" once set (it is immutable once
// bound). Date-dependent checks (age, R25 expiry) run only on the fields that
// change.
func (c *Candidate) Update(patch Details, paths []string, now time.Time) error {
	paths, err := c.checkPaths(paths)
	if err != nil {
		return err
	}
	src := patch.normalized()
	next := c.details.clone()
	for _, p := range paths {
		updatablePaths[p].set(&next, &src)
	}
	next = next.normalized()

	var changed []string
	for _, p := range paths {
		spec := updatablePaths[p]
		if !reflect.DeepEqual(spec.get(&c.details), spec.get(&next)) {
			changed = append(changed, p)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	checks := timeChecks{
		age: slices.Contains(changed, "birth_date"),
		admissibility: slices.ContainsFunc(changed, func(p string) bool {
			return p == "access_route" || p == "vae_admissibility" || strings.HasPrefix(p, "vae_admissibility.")
		}),
	}
	if err := next.validate(now, checks); err != nil {
		return err
	}
	c.details = next
	c.version++
	c.updatedAt = storedTime(now)
	c.events = append(c.events, Updated{Candidate: c.snapshot(), ChangedFields: changed})
	return nil
}

// CheckUpdateMask returns the InvalidArgument error Update would return for
// these mask paths, or nil. Callers use it to refuse a malformed request
// before checking preconditions such as the etag.
func (c *Candidate) CheckUpdateMask(paths []string) error {
	_, err := c.checkPaths(paths)
	return err
}

// checkPaths returns the updatable paths of the mask, sorted (a parent
// before its children) and without duplicates, or the violations of every
// bad path. "subject" is immutable once set.
func (c *Candidate) checkPaths(paths []string) ([]string, error) {
	rules := updatemask.Rules{
		Updatable:  func(p string) bool { _, ok := updatablePaths[p]; return ok },
		OutputOnly: func(p string) bool { return slices.Contains(outputOnlyPaths, p) },
		Immutable: func(p string) string {
			if p == "subject" && c.details.Subject != "" {
				return `"subject" is immutable once set`
			}
			return ""
		},
		Unknown: "%q is not a field of Candidate",
		Example: "email,postal_address",
	}
	return rules.Check(paths)
}
