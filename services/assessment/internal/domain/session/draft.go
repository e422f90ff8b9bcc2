package session

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// maxSite bounds the site, in characters.
const maxSite = 200

// Draft is a session as a create request describes it.
type Draft struct {
	Type            title.SessionType
	TitleID         string
	TitleVersion    string
	CCPCodes        []string // session CCP: the CCPs; session titre: empty (every CCP)
	Site            string
	StartDate       string // "YYYY-MM-DD"
	EndDate         string
	DossierDeadline string // empty: StartDate
}

// Check validates what needs no title, reporting every bad field at once
// with its path in the create request.
func (d Draft) Check() error {
	var v apperr.Violations
	bad := func(field, desc string) { v.Add("session."+field, desc) }
	if !d.Type.Valid() {
		bad("type", "TITRE or CCP")
	}
	if d.TitleID == "" {
		bad("title_id", "required")
	}
	if d.TitleVersion == "" {
		bad("title_version", "required")
	}
	if d.Type == title.SessionCCP && len(d.CCPCodes) == 0 {
		bad("ccp_codes", "a session CCP lists at least one CCP")
	}
	for i, c := range d.CCPCodes {
		if slices.Contains(d.CCPCodes[:i], c) {
			bad(fmt.Sprintf("ccp_codes[%d]", i), "CCP "+c+" is repeated")
		}
	}
	if n := utf8.RuneCountInString(d.site()); n == 0 || n > maxSite {
		bad("site", fmt.Sprintf("required, 1 to %d characters", maxSite))
	}
	start, errStart := civildate.Parse(d.StartDate)
	if errStart != nil {
		bad("start_date", "required date YYYY-MM-DD")
	}
	end, errEnd := civildate.Parse(d.EndDate)
	if errEnd != nil {
		bad("end_date", "required date YYYY-MM-DD")
	}
	if errStart == nil && errEnd == nil && end.Before(start) {
		bad("end_date", "not before start_date")
	}
	if d.DossierDeadline != "" {
		deadline, err := civildate.Parse(d.DossierDeadline)
		switch {
		case err != nil:
			bad("dossier_deadline", "date YYYY-MM-DD")
		case errStart == nil && deadline.After(start):
			bad("dossier_deadline", "not after start_date: the dossier is submitted at the latest on the first day (R40)")
		}
	}
	return v.Err()
}

func (d Draft) site() string { return strings.TrimSpace(d.Site) }

// dates returns the parsed dates of a checked draft.
func (d Draft) dates() (start, end, deadline civildate.Date) {
	start, _ = civildate.Parse(d.StartDate)
	end, _ = civildate.Parse(d.EndDate)
	deadline = start
	if d.DossierDeadline != "" {
		deadline, _ = civildate.Parse(d.DossierDeadline)
	}
	return start, end, deadline
}

// resolveCCPs returns the session's CCPs in the title's order: every CCP for
// a session titre, the CCPs listed (each a CCP of t) for a session CCP.
func (d Draft) resolveCCPs(t title.Title) ([]string, error) {
	if d.Type == title.SessionTitre {
		if len(d.CCPCodes) > 0 && len(t.InOrder(d.CCPCodes)) != len(t.CCPs) {
			return nil, apperr.Invalid(apperr.FieldViolation{Field: "session.ccp_codes",
				Description: "a session titre covers every CCP of the title: leave ccp_codes empty"})
		}
		return t.CCPCodes(), nil
	}
	var v apperr.Violations
	for i, c := range d.CCPCodes {
		if !t.HasCCP(c) {
			v.Add(fmt.Sprintf("session.ccp_codes[%d]", i), fmt.Sprintf("%q is not a CCP of %s version %s", c, t.ID, t.Version))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return t.InOrder(d.CCPCodes), nil
}
