package catalogue

import "fmt"

// validateCCPs checks R1 and the uniqueness of CCP and competence codes
// (competence codes are unique across the whole title, so that an
// evaluation can name a competence without its CCP).
func validateCCPs(ccps []Ccp) []violation {
	var vs violations
	if len(ccps) == 0 {
		vs.add("ccps", "R1", "a title version needs at least one CCP")
		return vs
	}
	ccpCodes := map[string]string{}    // code -> field of first use
	orders := map[int]string{}         // order -> field of first use
	competences := map[string]string{} // code -> field of first use
	for i, c := range ccps {
		at := fmt.Sprintf("ccps[%d]", i)
		vs.require(at+".code", c.Code)
		if first, dup := ccpCodes[c.Code]; dup && c.Code != "" {
			vs.add(at+".code", "", "duplicate CCP code %s (first in %s)", quote(c.Code), first)
		} else if c.Code != "" {
			ccpCodes[c.Code] = at
		}
		switch first, dup := orders[c.Order]; {
		case c.Order < 1:
			vs.add(at+".order", "", "must be 1 or more, got %d", c.Order)
		case dup:
			vs.add(at+".order", "", "duplicate order %d (first in %s)", c.Order, first)
		default:
			orders[c.Order] = at
		}
		vs.require(at+".label", c.Label)
		if len(c.Competences) == 0 {
			vs.add(at+".competences", "R1", "a CCP needs at least one competence")
		}
		for j, k := range c.Competences {
			kat := fmt.Sprintf("%s.competences[%d]", at, j)
			vs.require(kat+".code", k.Code)
			if first, dup := competences[k.Code]; dup && k.Code != "" {
				vs.add(kat+".code", "", "duplicate competence code %s (first in %s)", quote(k.Code), first)
			} else if k.Code != "" {
				competences[k.Code] = kat
			}
			vs.require(kat+".label", k.Label)
			for n, crit := range k.Criteria {
				vs.require(fmt.Sprintf("%s.criteria[%d]", kat, n), crit)
			}
		}
	}
	return vs
}

// validateEpreuves checks kinds, session types, durations and R43: the
// entretien final is held in sessions titre only, and it ends every session
// titre (so it is the last épreuve held in TITRE sessions).
func validateEpreuves(eps []Epreuve) []violation {
	var vs violations
	seen := map[string]string{} // kind/session type -> field of first use
	lastTitre, finalTitre := -1, -1
	for i, e := range eps {
		at := fmt.Sprintf("epreuves[%d]", i)
		if !e.Kind.Valid() {
			vs.add(at+".kind", "", "unknown épreuve kind %s", quote(string(e.Kind)))
		}
		if len(e.SessionTypes) == 0 {
			vs.add(at+".session_types", "", "must name at least one session type (TITRE, CCP, CCS)")
		}
		for j, st := range e.SessionTypes {
			sat := fmt.Sprintf("%s.session_types[%d]", at, j)
			if !st.Valid() {
				vs.add(sat, "", "must be one of TITRE, CCP, CCS, got %s", quote(string(st)))
				continue
			}
			key := string(e.Kind) + "/" + string(st)
			if first, dup := seen[key]; dup {
				vs.add(sat, "", "%s is already held in %s sessions by %s", e.Kind, st, first)
			} else {
				seen[key] = at
			}
			if e.Kind == EpreuveEntretienFinal && st != SessionTitre {
				vs.add(sat, "R43", "the entretien final is held in sessions titre only, not in %s sessions", st)
			}
			if st == SessionTitre {
				lastTitre = i
				if e.Kind == EpreuveEntretienFinal {
					finalTitre = i
				}
			}
		}
		if e.DurationMinutes != nil && *e.DurationMinutes < 0 {
			vs.add(at+".duration_minutes", "", "must be 0 or more, got %d", *e.DurationMinutes)
		}
	}
	switch {
	case lastTitre >= 0 && finalTitre < 0:
		vs.add("epreuves", "R43", "a session titre ends with an entretien final, and none is held in TITRE sessions")
	case finalTitre >= 0 && finalTitre != lastTitre:
		vs.add(fmt.Sprintf("epreuves[%d]", finalTitre), "R43",
			"the entretien final must be the last épreuve of the session titre, but %s comes after it",
			eps[lastTitre].Kind)
	}
	return vs
}
