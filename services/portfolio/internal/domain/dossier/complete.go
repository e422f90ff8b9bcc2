package dossier

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// RequiredActivityTypes returns the activity types a dossier submitted for
// session s of title t needs examples for (R35): every activity type of
// the title for a session titre, only the session's CCPs for a session CCP
// ([I], domain.md R35).
func RequiredActivityTypes(t refdata.Title, s refdata.Session) []string {
	if s.Type != refdata.SessionCCP {
		return t.CCPCodes()
	}
	var out []string
	for _, code := range t.CCPCodes() {
		if slices.Contains(s.CCPCodes, code) {
			out = append(out, code)
		}
	}
	return out
}

// ruleViolations collects the missing fields of a submission with the rule
// that requires each.
type ruleViolations struct {
	v     apperr.Violations
	rules []string
}

func (r *ruleViolations) add(rule, field, description string) {
	r.v.Add(field, rule+": "+description)
	if !slices.Contains(r.rules, rule) {
		r.rules = append(r.rules, rule)
	}
}

func (r *ruleViolations) required(rule, field, value string) {
	if value == "" {
		r.add(rule, field, "required before submission")
	}
}

// CheckComplete returns nil when the draft, with the given cover, may be
// submitted at instant now with examples for the activity types required
// (RequiredActivityTypes). Otherwise it returns ErrIncomplete listing
// every missing or wrong field:
//
//   - R35: 1 to 3 examples for each required activity type;
//   - R36: tasks, means, collaborators, context organisation, unit and
//     period of every example, the period not ending before it starts;
//   - R38: signer, place and date of the sworn statement, the date not in
//     the future;
//   - R42: an access mode on the cover (the candidate record has an access
//     route).
//
// Its Rule is the first rule broken in that order; meta "rules" lists all.
func (d *Dossier) CheckComplete(required []string, cover Cover, now time.Time) error {
	var r ruleViolations
	perCCP := map[string]int{}
	for _, e := range d.content.Examples {
		perCCP[e.CCPCode]++
	}
	for _, code := range required {
		if n := perCCP[code]; n < 1 || n > MaxExamplesPerActivityType {
			r.add("R35", "examples", fmt.Sprintf("activity type %s needs 1 to %d practice examples, the dossier has %d",
				code, MaxExamplesPerActivityType, n))
		}
	}
	for i, e := range d.content.Examples {
		f := func(name string) string { return fmt.Sprintf("examples[%d].%s", i, name) }
		r.required("R36", f("tasks"), e.Tasks)
		r.required("R36", f("means"), e.Means)
		r.required("R36", f("collaborators"), e.Collaborators)
		r.required("R36", f("context.organisation"), e.Context.Organisation)
		r.required("R36", f("context.unit"), e.Context.Unit)
		r.required("R36", f("context.period_from"), e.Context.PeriodFrom)
		r.required("R36", f("context.period_to"), e.Context.PeriodTo)
		from, errFrom := civildate.Parse(e.Context.PeriodFrom)
		to, errTo := civildate.Parse(e.Context.PeriodTo)
		if errFrom == nil && errTo == nil && to.Before(from) {
			r.add("R36", f("context.period_to"), "the period must not end before it starts")
		}
	}
	s := d.content.Sworn
	r.required("R38", "sworn_statement.signer_name", s.SignerName)
	r.required("R38", "sworn_statement.place", s.Place)
	r.required("R38", "sworn_statement.date", s.Date)
	if date, err := civildate.Parse(s.Date); err == nil && date.After(civildate.Of(now)) {
		r.add("R38", "sworn_statement.date", "must not be in the future")
	}
	if cover.AccessMode == AccessModeUnknown {
		r.add("R42", "cover.access_mode", "the candidate record has no access route to derive the access mode from")
	}
	if len(r.v) == 0 {
		return nil
	}
	slices.SortStableFunc(r.rules, strings.Compare)
	err := ErrIncomplete.WithRule(r.rules[0]).WithMeta("rules", strings.Join(r.rules, ","))
	err.Message = "the dossier is incomplete and cannot be submitted (" + strings.Join(r.rules, ", ") + "): " + fieldList(r.v)
	err.Violations = r.v
	return err
}

func fieldList(v apperr.Violations) string {
	var fields []string
	for _, f := range v {
		if !slices.Contains(fields, f.Field) {
			fields = append(fields, f.Field)
		}
	}
	return strings.Join(fields, ", ")
}
