package award

import (
	"slices"
	"strings"
)

// Session types that can complete a titre.
const (
	CompleteBySessionCcp   = "CCP"   // a session CCP on the missing CCPs
	CompleteBySessionTitre = "TITRE" // a new session titre
)

// Progress tells a person who holds CCPs of a title version without its
// titre what is missing: the CCPs not held yet and the sessions that can
// complete them (R54: the titre follows by capitalisation once every CCP
// is held).
type Progress struct {
	TitleCode, TitleVersion string
	Held                    []string // in title order
	Missing                 []string // in title order
	Completing              []string // CompleteBySessionCcp, CompleteBySessionTitre
}

// ProgressOf returns the progress of a person holding held towards the
// title version whose CCPs are titleCcps, in title order.
func ProgressOf(titleCode, titleVersion string, titleCcps []string, held []HeldCcp) Progress {
	p := Progress{TitleCode: titleCode, TitleVersion: titleVersion}
	for _, code := range titleCcps {
		if slices.ContainsFunc(held, func(h HeldCcp) bool {
			return h.CcpCode == code && h.TitleCode == titleCode && h.TitleVersion == titleVersion
		}) {
			p.Held = append(p.Held, code)
		} else {
			p.Missing = append(p.Missing, code)
		}
	}
	if len(p.Missing) > 0 {
		p.Completing = []string{CompleteBySessionCcp, CompleteBySessionTitre}
	}
	return p
}

// Advice says, in French, what the person can do.
func (p Progress) Advice() string {
	if len(p.Missing) == 0 {
		return "Vous détenez tous les CCP du titre " + p.TitleCode + "."
	}
	ccp := "le CCP manquant"
	if len(p.Missing) > 1 {
		ccp = "les CCP manquants"
	}
	return "Il vous manque " + strings.Join(p.Missing, ", ") + " pour obtenir le titre " + p.TitleCode +
		" (version " + p.TitleVersion + "). Vous pouvez vous présenter à une session CCP pour " + ccp +
		", ou à une nouvelle session titre ; les CCP que vous détenez restent acquis."
}
