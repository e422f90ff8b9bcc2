package catalogue

import "slices"

// CompetencesInScope returns the competences of the CCPs named by ccpCodes,
// in title order whatever the order of ccpCodes; a code given twice counts
// once. A session titre passes CcpCodes(). An empty scope is an error rather
// than "everything", so that a CCP session with a lost scope cannot silently
// evaluate the whole title; so is a code the title does not have.
func (t TitleVersion) CompetencesInScope(ccpCodes []string) ([]Competence, error) {
	if len(ccpCodes) == 0 {
		return nil, ErrEmptyCcpScope.WithMeta("title", t.Code).WithMeta("version", t.Version)
	}
	for _, code := range ccpCodes {
		if _, ok := t.CcpByCode(code); !ok {
			return nil, ErrCcpNotInTitle.
				WithMessage("CCP "+code+" is not part of title "+t.Code+" version "+t.Version).
				WithMeta("ccp", code).WithMeta("title", t.Code).WithMeta("version", t.Version)
		}
	}
	var out []Competence
	for _, c := range t.CCPs {
		if slices.Contains(ccpCodes, c.Code) {
			out = append(out, c.Competences...)
		}
	}
	return out, nil
}
