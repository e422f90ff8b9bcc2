// Package title is the assessment service's projection of the catalogue:
// for each published title version, its CCPs with their competences and its
// épreuves per session type, as announced by the certification service's
// TitleVersionPublished event. Sessions, candidacy scopes and evaluations
// are checked against it. A published version is immutable, so the
// projection never changes a version it holds.
package title

import (
	"context"
	"slices"

	"github.com/titrepro/titrepro/internal/apperr"
)

// SessionType is the type of a validation session.
type SessionType string

// The session types the assessment service runs.
const (
	SessionTitre SessionType = "TITRE" // every CCP of the title, ends with the entretien final
	SessionCCP   SessionType = "CCP"   // some CCPs of the title
)

// Valid reports whether t is a session type the service runs.
func (t SessionType) Valid() bool { return t == SessionTitre || t == SessionCCP }

// EpreuveKind is the kind of an exam component (domain.md §10).
type EpreuveKind string

// The épreuve kinds of the catalogue.
const (
	MiseEnSituation          EpreuveKind = "MISE_EN_SITUATION_PROFESSIONNELLE"
	PresentationProjet       EpreuveKind = "PRESENTATION_PROJET"
	EntretienTechnique       EpreuveKind = "ENTRETIEN_TECHNIQUE"
	QuestionnaireProfession  EpreuveKind = "QUESTIONNAIRE_PROFESSIONNEL"
	QuestionnementProduction EpreuveKind = "QUESTIONNEMENT_PRODUCTIONS"
	EntretienFinal           EpreuveKind = "ENTRETIEN_FINAL"
)

// Valid reports whether k is a known épreuve kind.
func (k EpreuveKind) Valid() bool {
	switch k {
	case MiseEnSituation, PresentationProjet, EntretienTechnique, QuestionnaireProfession,
		QuestionnementProduction, EntretienFinal:
		return true
	}
	return false
}

// CCP is a bloc of the title with its competence codes, in order.
type CCP struct {
	Code        string
	Competences []string
}

// Epreuve is an exam component and the session types that hold it.
type Epreuve struct {
	Kind         EpreuveKind
	SessionTypes []SessionType
	Minutes      int // duration; 0 when the referential does not say
}

// Title is one published title version.
type Title struct {
	ID       string // ministry code, e.g. "TP-00495"
	Version  string // millésime, e.g. "2008"
	CCPs     []CCP  // in the title's order
	Epreuves []Epreuve
	Validity Validity // zero for titles projected before validity was announced: open
}

// ErrUnknown: the title version is not (yet) in the projection.
var ErrUnknown = apperr.New(apperr.KindFailedPrecondition, "TITLE_UNKNOWN",
	"the title version is not in the catalogue")

// ErrInvalid: a published title cannot be projected (it breaks R1 or has
// duplicate codes). Retrying cannot help.
var ErrInvalid = apperr.New(apperr.KindInvalidArgument, "TITLE_INVALID", "the title version cannot be used")

// Repository keeps the projection.
type Repository interface {
	// Get returns the title version, or ErrUnknown.
	Get(ctx context.Context, id, version string) (Title, error)
	// Save stores t unless its version is already stored; it reports
	// whether it stored it.
	Save(ctx context.Context, t Title) (bool, error)
}

// Validate checks what the assessment service relies on: ids, at least one
// CCP (R1), and codes unique within the title.
func (t Title) Validate() error {
	switch {
	case t.ID == "" || t.Version == "":
		return ErrInvalid.WithMessage("a title version needs a code and a version")
	case len(t.CCPs) == 0:
		return ErrInvalid.WithMessage("a title version has at least one CCP").WithRule("R1")
	}
	seen := map[string]bool{}
	for _, c := range t.CCPs {
		for _, code := range append([]string{c.Code}, c.Competences...) {
			if code == "" || seen[code] {
				return ErrInvalid.WithMessage("CCP and competence codes must be set and unique: " + code)
			}
			seen[code] = true
		}
	}
	return nil
}

// CCPCodes returns the codes of every CCP, in the title's order.
func (t Title) CCPCodes() []string {
	codes := make([]string, 0, len(t.CCPs))
	for _, c := range t.CCPs {
		codes = append(codes, c.Code)
	}
	return codes
}

// HasCCP reports whether code is a CCP of the title.
func (t Title) HasCCP(code string) bool {
	return slices.ContainsFunc(t.CCPs, func(c CCP) bool { return c.Code == code })
}

// InOrder returns the CCP codes of codes that belong to the title, in the
// title's order, without duplicates.
func (t Title) InOrder(codes []string) []string {
	var out []string
	for _, c := range t.CCPs {
		if slices.Contains(codes, c.Code) {
			out = append(out, c.Code)
		}
	}
	return out
}

// Competences returns the competence codes of the CCPs named in ccps, in the
// title's order.
func (t Title) Competences(ccps []string) []string {
	var out []string
	for _, c := range t.CCPs {
		if slices.Contains(ccps, c.Code) {
			out = append(out, c.Competences...)
		}
	}
	return out
}

// EpreuvesFor returns the kinds of the épreuves held in sessions of type st,
// in the title's order.
func (t Title) EpreuvesFor(st SessionType) []EpreuveKind {
	var out []EpreuveKind
	for _, e := range t.Epreuves {
		if slices.Contains(e.SessionTypes, st) && !slices.Contains(out, e.Kind) {
			out = append(out, e.Kind)
		}
	}
	return out
}

// Durations returns the duration in minutes of the épreuves held in
// sessions of type st whose referential gives one (R46).
func (t Title) Durations(st SessionType) map[EpreuveKind]int {
	out := map[EpreuveKind]int{}
	for _, e := range t.Epreuves {
		if e.Minutes > 0 && slices.Contains(e.SessionTypes, st) {
			out[e.Kind] = e.Minutes
		}
	}
	return out
}
