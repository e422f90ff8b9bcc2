package dossier

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// Size limits of the texts, in characters. An example fills at most three
// pages once rendered (R37): the field limits keep it in that order of
// magnitude without counting pages.
const (
	maxTitle          = 200
	maxTasks          = 8000
	maxMeans          = 4000
	maxCollaborators  = 4000
	maxAdditionalInfo = 4000
	maxOrganisation   = 200
	maxUnit           = 200
	maxSigner         = 200
	maxPlace          = 100
	maxQualifications = 50
	maxExampleID      = 64
	// MaxExamplesPerActivityType is the upper bound of R35.
	MaxExamplesPerActivityType = 3
)

// Content is what the candidate writes in a dossier.
type Content struct {
	Examples       []Example
	Qualifications []Qualification
	Sworn          SwornStatement
}

// Example is a practice example for one activity type (domain.md §7.2).
type Example struct {
	ID             string // unique in the dossier; assigned when empty
	CCPCode        string // the activity type it illustrates
	Title          string
	Tasks          string // field 1
	Means          string // field 2
	Collaborators  string // field 3
	Context        PracticeContext
	AdditionalInfo string // field 5, optional
}

// PracticeContext is field 4 of an example: where and when.
type PracticeContext struct {
	Organisation string
	Unit         string
	PeriodFrom   string // "YYYY-MM-DD"
	PeriodTo     string // "YYYY-MM-DD", not before PeriodFrom
}

// Qualification is a title, diploma or certificate already held.
type Qualification struct {
	Title     string
	Authority string
	Date      string // "YYYY-MM-DD"
}

// SwornStatement is the déclaration sur l'honneur (R38).
type SwornStatement struct {
	SignerName string
	Place      string
	Date       string // "YYYY-MM-DD"
	// SignedAt is when the statement was last completed through the API;
	// zero while it is incomplete.
	SignedAt time.Time
}

// Complete reports whether signer, place and date are all filled.
func (s SwornStatement) Complete() bool {
	return s.SignerName != "" && s.Place != "" && s.Date != ""
}

// sameText reports whether a and b say the same, whatever their SignedAt.
func (s SwornStatement) sameText(o SwornStatement) bool {
	return s.SignerName == o.SignerName && s.Place == o.Place && s.Date == o.Date
}

// Clone returns a deep copy.
func (c Content) Clone() Content {
	return Content{
		Examples:       slices.Clone(c.Examples),
		Qualifications: slices.Clone(c.Qualifications),
		Sworn:          c.Sworn,
	}
}

// normalized trims surrounding white space from every text; multi-line
// texts keep their inner line breaks.
func (c Content) normalized() Content {
	out := c.Clone()
	for i := range out.Examples {
		e := &out.Examples[i]
		for _, s := range []*string{&e.ID, &e.CCPCode, &e.Title, &e.Tasks, &e.Means, &e.Collaborators,
			&e.Context.Organisation, &e.Context.Unit, &e.Context.PeriodFrom, &e.Context.PeriodTo, &e.AdditionalInfo} {
			*s = strings.TrimSpace(*s)
		}
	}
	for i := range out.Qualifications {
		q := &out.Qualifications[i]
		for _, s := range []*string{&q.Title, &q.Authority, &q.Date} {
			*s = strings.TrimSpace(*s)
		}
	}
	for _, s := range []*string{&out.Sworn.SignerName, &out.Sworn.Place, &out.Sworn.Date} {
		*s = strings.TrimSpace(*s)
	}
	return out
}

var exampleIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// validate checks that c is well formed for title t at instant now; prefix
// is the request path of the dossier ("dossier."). Completeness is not
// checked here (see Check).
func (c Content) validate(prefix string, t refdata.Title, now time.Time) error {
	var v violations
	perCCP := map[string]int{}
	ids := map[string]bool{}
	for i, e := range c.Examples {
		f := func(name string) string { return fmt.Sprintf("%sexamples[%d].%s", prefix, i, name) }
		switch {
		case e.ID == "":
		case len(e.ID) > maxExampleID || !exampleIDRE.MatchString(e.ID):
			v.Add(f("id"), fmt.Sprintf("must be 1 to %d letters, digits, '-' or '_'", maxExampleID))
		case ids[e.ID]:
			v.Add(f("id"), "is used by another example")
		default:
			ids[e.ID] = true
		}
		switch {
		case e.CCPCode == "":
			v.Add(f("ccp_code"), "required")
		case !t.HasCCP(e.CCPCode):
			v.Add(f("ccp_code"), fmt.Sprintf("must be an activity type of title %s version %s: one of %s",
				t.ID, t.Version, strings.Join(t.CCPCodes(), ", ")))
		default:
			perCCP[e.CCPCode]++
		}
		v.line(f("title"), e.Title, true, maxTitle)
		v.para(f("tasks"), e.Tasks, maxTasks)
		v.para(f("means"), e.Means, maxMeans)
		v.para(f("collaborators"), e.Collaborators, maxCollaborators)
		v.para(f("additional_info"), e.AdditionalInfo, maxAdditionalInfo)
		v.line(f("context.organisation"), e.Context.Organisation, false, maxOrganisation)
		v.line(f("context.unit"), e.Context.Unit, false, maxUnit)
		from, okFrom := v.date(f("context.period_from"), e.Context.PeriodFrom)
		to, okTo := v.date(f("context.period_to"), e.Context.PeriodTo)
		if okFrom && okTo && to.Before(from) {
			v.Add(f("context.period_to"), "R36: the period must not end before it starts (period_from ≤ period_to)")
		}
	}
	for _, a := range t.ActivityTypes {
		if n := perCCP[a.CCPCode]; n > MaxExamplesPerActivityType {
			v.Add(prefix+"examples", fmt.Sprintf("R35: at most %d examples per activity type; %s has %d",
				MaxExamplesPerActivityType, a.CCPCode, n))
		}
	}
	if len(c.Qualifications) > maxQualifications {
		v.Add(prefix+"prior_qualifications", fmt.Sprintf("at most %d lines", maxQualifications))
	}
	for i, q := range c.Qualifications {
		f := func(name string) string { return fmt.Sprintf("%sprior_qualifications[%d].%s", prefix, i, name) }
		v.line(f("title"), q.Title, true, maxTitle)
		v.line(f("authority"), q.Authority, false, maxTitle)
		v.notFuture(f("date"), q.Date, now)
	}
	v.line(prefix+"sworn_statement.signer_name", c.Sworn.SignerName, false, maxSigner)
	v.line(prefix+"sworn_statement.place", c.Sworn.Place, false, maxPlace)
	v.notFuture(prefix+"sworn_statement.date", c.Sworn.Date, now)
	return v.Err()
}

// assignExampleIDs gives the examples without an id the next free ids
// "ex1", "ex2", ...: short, stable across later edits that send them back,
// and unique in the dossier.
func (c *Content) assignExampleIDs() {
	used := map[string]bool{}
	for _, e := range c.Examples {
		used[e.ID] = true
	}
	n := 0
	for i := range c.Examples {
		if c.Examples[i].ID != "" {
			continue
		}
		for {
			n++
			if id := "ex" + strconv.Itoa(n); !used[id] {
				c.Examples[i].ID = id
				used[id] = true
				break
			}
		}
	}
}
