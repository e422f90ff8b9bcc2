package web

import (
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// French names of the enums the juror's screens show. The pages get these
// strings ready in their data, so that the templates stay free of enum
// logic.

func jurySessionState(s assessmentv1.SessionState) string {
	switch s {
	case assessmentv1.SessionState_SESSION_STATE_PLANNED:
		return "Planifiée"
	case assessmentv1.SessionState_SESSION_STATE_IN_PROGRESS:
		return "En cours"
	case assessmentv1.SessionState_SESSION_STATE_DELIBERATED:
		return "Délibérée, procès-verbal à signer"
	case assessmentv1.SessionState_SESSION_STATE_CLOSED:
		return "Close, procès-verbal signé"
	case assessmentv1.SessionState_SESSION_STATE_CANCELLED:
		return "Annulée"
	}
	return "Inconnu"
}

// juryVerdictChoices are the verdicts a juror picks from, in the order of the
// grid's lists; the empty value is "no verdict yet".
var juryVerdictChoices = []juryChoice{
	{"", "À évaluer"},
	{"MASTERED", "Maîtrisée"},
	{"NOT_MASTERED", "Non maîtrisée"},
	{"NOT_OBSERVED", "Non observée"},
}

func juryVerdictValue(v assessmentv1.Verdict) string {
	switch v {
	case assessmentv1.Verdict_VERDICT_MASTERED:
		return "MASTERED"
	case assessmentv1.Verdict_VERDICT_NOT_MASTERED:
		return "NOT_MASTERED"
	case assessmentv1.Verdict_VERDICT_NOT_OBSERVED:
		return "NOT_OBSERVED"
	}
	return ""
}

// juryParseVerdict reads a verdict of the grid's form; ok is false for a value
// the form never offers.
func juryParseVerdict(s string) (v assessmentv1.Verdict, ok bool) {
	switch s {
	case "":
		return assessmentv1.Verdict_VERDICT_UNSPECIFIED, true
	case "MASTERED":
		return assessmentv1.Verdict_VERDICT_MASTERED, true
	case "NOT_MASTERED":
		return assessmentv1.Verdict_VERDICT_NOT_MASTERED, true
	case "NOT_OBSERVED":
		return assessmentv1.Verdict_VERDICT_NOT_OBSERVED, true
	}
	return 0, false
}

// juryEpreuveLabels name the kinds of épreuve, for titles whose referential
// gives no wording.
var juryEpreuveLabels = map[certificationv1.EpreuveKind]string{
	certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE: "Mise en situation professionnelle",
	certificationv1.EpreuveKind_EPREUVE_KIND_PRESENTATION_PROJET:               "Présentation d’un projet",
	certificationv1.EpreuveKind_EPREUVE_KIND_ENTRETIEN_TECHNIQUE:               "Entretien technique",
	certificationv1.EpreuveKind_EPREUVE_KIND_QUESTIONNAIRE_PROFESSIONNEL:       "Questionnaire professionnel",
	certificationv1.EpreuveKind_EPREUVE_KIND_QUESTIONNEMENT_PRODUCTIONS:        "Questionnement à partir de productions",
	certificationv1.EpreuveKind_EPREUVE_KIND_ENTRETIEN_FINAL:                   "Entretien final",
}

func juryCCPOutcome(o assessmentv1.CcpOutcome) string {
	switch o {
	case assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED:
		return "Obtenu"
	case assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED:
		return "Non obtenu"
	}
	return "Non décidé"
}

func juryTitleOutcome(o assessmentv1.TitleOutcome) string {
	switch o {
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_AWARDED:
		return "Titre obtenu"
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_PARTIAL:
		return "Obtention partielle (certificats de compétences professionnelles)"
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_FAILED:
		return "Aucun certificat obtenu"
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_ABSENT:
		return "Candidat absent"
	}
	return "Non délibéré"
}

func juryAccessMode(m portfoliov1.AccessMode) string {
	switch m {
	case portfoliov1.AccessMode_ACCESS_MODE_VAE:
		return "Validation des acquis de l’expérience (VAE)"
	case portfoliov1.AccessMode_ACCESS_MODE_FORMATION:
		return "Parcours de formation"
	}
	return "Non renseignée"
}

func juryDocumentKind(k portfoliov1.DocumentKind) string {
	switch k {
	case portfoliov1.DocumentKind_DOCUMENT_KIND_ILLUSTRATIVE:
		return "Document illustrant la pratique"
	case portfoliov1.DocumentKind_DOCUMENT_KIND_ANNEX:
		return "Annexe"
	case portfoliov1.DocumentKind_DOCUMENT_KIND_EVIDENCE:
		return "Justificatif"
	}
	return "Document"
}

// juryDocumentTypes name the content types the portfolio service accepts.
var juryDocumentTypes = map[string]string{
	"application/pdf": "PDF",
	"image/png":       "image PNG",
	"image/jpeg":      "image JPEG",
	"application/vnd.oasis.opendocument.text":                                   "texte OpenDocument",
	"application/vnd.oasis.opendocument.spreadsheet":                            "tableur OpenDocument",
	"application/vnd.oasis.opendocument.presentation":                           "présentation OpenDocument",
	"application/vnd.oasis.opendocument.graphics":                               "dessin OpenDocument",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   "document Word",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         "classeur Excel",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": "présentation PowerPoint",
}

func juryDocumentType(ctype string) string {
	if l, ok := juryDocumentTypes[ctype]; ok {
		return l
	}
	return "fichier"
}

// jurySize formats a size in bytes in French units: "812 octets",
// "12,4 Ko", "3,1 Mo".
func jurySize(n int64) string {
	switch {
	case n < 1024:
		return IntFR(n) + nbsp + "octets"
	case n < 1024*1024:
		return DecimalFR(float64(n)/1024, 1) + nbsp + "Ko"
	default:
		return DecimalFR(float64(n)/(1024*1024), 1) + nbsp + "Mo"
	}
}
