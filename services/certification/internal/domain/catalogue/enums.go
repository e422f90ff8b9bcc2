package catalogue

// TitleStatus is where a title version stands in its lifecycle
// (docs/domain.md §5.3).
type TitleStatus string

// The title statuses.
const (
	StatusActive         TitleStatus = "ACTIVE"          // within its validity period
	StatusExtended       TitleStatus = "EXTENDED"        // prorogé à l'identique
	StatusRevised        TitleStatus = "REVISED"         // replaced by a revised version
	StatusClosed         TitleStatus = "CLOSED"          // clôturé
	StatusInProlongation TitleStatus = "IN_PROLONGATION" // expired, within the 1-year délai de prolongation
)

// Valid reports whether s is one of the declared statuses.
func (s TitleStatus) Valid() bool {
	switch s {
	case StatusActive, StatusExtended, StatusRevised, StatusClosed, StatusInProlongation:
		return true
	}
	return false
}

// SessionType is the kind of exam session an épreuve is held in.
type SessionType string

// The session types (docs/domain.md §16, ExamSession.type).
const (
	SessionTitre SessionType = "TITRE" // the whole title
	SessionCCP   SessionType = "CCP"   // one or more CCPs
	SessionCCS   SessionType = "CCS"   // a certificat complémentaire de spécialisation
)

// Valid reports whether s is one of the declared session types.
func (s SessionType) Valid() bool {
	switch s {
	case SessionTitre, SessionCCP, SessionCCS:
		return true
	}
	return false
}

// EpreuveKind is the kind of an exam component (docs/domain.md §10).
type EpreuveKind string

// The épreuve kinds.
const (
	EpreuveMiseEnSituation    EpreuveKind = "MISE_EN_SITUATION_PROFESSIONNELLE" // MSP
	EpreuvePresentationProjet EpreuveKind = "PRESENTATION_PROJET"
	EpreuveEntretienTechnique EpreuveKind = "ENTRETIEN_TECHNIQUE"
	EpreuveQuestionnaire      EpreuveKind = "QUESTIONNAIRE_PROFESSIONNEL"
	EpreuveQuestionnementProd EpreuveKind = "QUESTIONNEMENT_PRODUCTIONS"
	EpreuveEntretienFinal     EpreuveKind = "ENTRETIEN_FINAL" // session titre only (R43)
)

// Valid reports whether k is one of the declared épreuve kinds.
func (k EpreuveKind) Valid() bool {
	switch k {
	case EpreuveMiseEnSituation, EpreuvePresentationProjet, EpreuveEntretienTechnique,
		EpreuveQuestionnaire, EpreuveQuestionnementProd, EpreuveEntretienFinal:
		return true
	}
	return false
}
