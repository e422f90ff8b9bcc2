package catalogue

import (
	"slices"
	"time"
)

// TitleVersion is one published version of a titre professionnel. It is
// reference data: treat every field, and every slice it holds, as read-only.
// (Code, Version) identifies it; see the package documentation.
type TitleVersion struct {
	Code       string   // ministry code, "TP-00495"
	Version    string   // millésime, unique per Code, e.g. "2008"
	Label      string   // full wording of the title
	ShortLabel string   // acronym, e.g. "TSGERI"; optional
	Level      int      // cadre national des certifications (2019), 1..8
	LevelOld   string   // former nomenclature ("I".."V"); optional
	NSF        string   // NSF code, e.g. "326u"; optional
	NSFLabel   string   // wording of the NSF code; optional
	ROME       []string // current ROME codes, e.g. "M1801"
	LegacyROME []string // ROME v2 codes (5 digits) quoted by older annexes
	RNCPID     string   // "RNCP1234"; optional, often unknown for old titles
	ArreteRef  string   // arrêté de spécialité that created the title
	LegalBases []string // other legal bases, as worded by the RNCP annex
	Certifier  string   // autorité responsable de la certification
	// ValidFrom is the first day the version is accessible (a calendar date,
	// UTC midnight). ValidTo is the last day of validity, zero when not known
	// or open; ProlongationEnd is the end of the délai de prolongation, zero
	// when there is none (docs/domain.md §5.3, R6).
	ValidFrom       time.Time
	ValidTo         time.Time
	ProlongationEnd time.Time
	Status          TitleStatus
	CCPs            []Ccp     // in order; one CCP per activity type (R1: at least one)
	Epreuves        []Epreuve // in the order they are held (R44)
}

// Ccp is a certificat de compétences professionnelles, the bloc de
// compétences of one activity type. Its label is the activity type wording.
type Ccp struct {
	Code        string // unique within the title, e.g. "CCP1"
	Order       int    // 1-based rank within the title
	Label       string
	Competences []Competence // at least one (R1)
}

// Competence is one competence of a CCP, worded as in the referential.
type Competence struct {
	Code     string // unique within the title, e.g. "CCP1-C1"
	Label    string
	Criteria []string // evaluation criteria; empty when the referential gives none
}

// Epreuve is one exam component of the référentiel d'évaluation.
type Epreuve struct {
	Kind         EpreuveKind
	Label        string
	SessionTypes []SessionType // the sessions it is held in
	// DurationMinutes is nil when the duration is not known.
	DurationMinutes *int
}

// Duration returns the duration of the épreuve and whether it is known.
func (e Epreuve) Duration() (time.Duration, bool) {
	if e.DurationMinutes == nil {
		return 0, false
	}
	return time.Duration(*e.DurationMinutes) * time.Minute, true
}

// HeldIn reports whether the épreuve is held in sessions of type st.
func (e Epreuve) HeldIn(st SessionType) bool {
	return slices.Contains(e.SessionTypes, st)
}

// CompetenceCount returns the number of competences over all CCPs.
func (t TitleVersion) CompetenceCount() int {
	n := 0
	for _, c := range t.CCPs {
		n += len(c.Competences)
	}
	return n
}

// CcpCodes returns the codes of all CCPs, in order: the scope of a session
// titre.
func (t TitleVersion) CcpCodes() []string {
	codes := make([]string, 0, len(t.CCPs))
	for _, c := range t.CCPs {
		codes = append(codes, c.Code)
	}
	return codes
}

// CcpByCode returns the CCP with the given code.
func (t TitleVersion) CcpByCode(code string) (Ccp, bool) {
	for _, c := range t.CCPs {
		if c.Code == code {
			return c, true
		}
	}
	return Ccp{}, false
}

// EpreuvesFor returns the épreuves held in sessions of type st, in order.
func (t TitleVersion) EpreuvesFor(st SessionType) []Epreuve {
	var out []Epreuve
	for _, e := range t.Epreuves {
		if e.HeldIn(st) {
			out = append(out, e)
		}
	}
	return out
}
