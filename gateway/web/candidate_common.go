package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// What the candidate's screens share: finding the person's own records,
// and the French words for the API's enumerations.

// candidateHome is the candidate's space.
const candidateHome = "/candidat"

// myCandidate returns the candidate record bound to the signed-in person,
// nil when they have not created one yet. The candidate service lists a
// candidate token only its own record (at most one per subject).
func (a *App) myCandidate(ctx context.Context) (*candidatev1.Candidate, error) {
	resp, err := a.svc.candidate.ListCandidates(ctx, &candidatev1.ListCandidatesRequest{PageSize: 1})
	if err != nil {
		return nil, err
	}
	if len(resp.GetCandidates()) == 0 {
		return nil, nil
	}
	return resp.GetCandidates()[0], nil
}

// needRecord shows the page that asks the person to create their record
// first, for the screens that need one.
func (a *App) needRecord(w http.ResponseWriter, r *http.Request, title string) {
	a.render(w, r, http.StatusOK, "candidate_norecord", Page{Title: title})
}

// notices are the confirmations a page shows after a change redirected to
// it (?ok=key): a fixed list, so that a link cannot make the page say
// anything else.
var notices = map[string]string{
	"fiche-creee":          "Votre fiche candidat est créée. Vous pouvez maintenant commencer votre dossier professionnel.",
	"fiche":                "Votre fiche candidat est enregistrée.",
	"exemple":              "L’exemple est enregistré.",
	"exemple-supprime":     "L’exemple est supprimé.",
	"diplomes":             "Le tableau des titres et diplômes est enregistré.",
	"declaration":          "La déclaration sur l’honneur est enregistrée.",
	"document":             "Le document est ajouté au dossier.",
	"document-supprime":    "Le document est retiré du dossier.",
	"dossier-cree":         "Votre dossier professionnel est créé.",
	"dossier-deja-cree":    "Vous aviez déjà un dossier pour ce titre : le voici.",
	"fiche-deja-existante": "Vous aviez déjà une fiche candidat : la voici.",
}

// noticeOf returns the success alert named by ?ok=, nil without one.
func noticeOf(r *http.Request) *alert {
	if msg, ok := notices[r.URL.Query().Get("ok")]; ok {
		return &alert{Kind: "success", Title: msg}
	}
	return nil
}

// The French words of the API's enumerations.

func accessModeLabel(m portfoliov1.AccessMode) string {
	switch m {
	case portfoliov1.AccessMode_ACCESS_MODE_VAE:
		return "VAE"
	case portfoliov1.AccessMode_ACCESS_MODE_FORMATION:
		return "Parcours de formation"
	}
	return "Inconnue (votre fiche n’indique pas de voie d’accès)"
}

func documentKindLabel(k portfoliov1.DocumentKind) string {
	switch k {
	case portfoliov1.DocumentKind_DOCUMENT_KIND_ILLUSTRATIVE:
		return "Document illustrant la pratique professionnelle"
	case portfoliov1.DocumentKind_DOCUMENT_KIND_ANNEX:
		return "Annexe"
	case portfoliov1.DocumentKind_DOCUMENT_KIND_EVIDENCE:
		return "Justificatif"
	}
	return "Non classé"
}

func candidateSessionTypeLabel(t assessmentv1.SessionType) string {
	switch t {
	case assessmentv1.SessionType_SESSION_TYPE_TITRE:
		return "Session titre (tout le titre)"
	case assessmentv1.SessionType_SESSION_TYPE_CCP:
		return "Session CCP (certains blocs)"
	}
	return "Session"
}

func sessionStateLabel(s assessmentv1.SessionState) string {
	switch s {
	case assessmentv1.SessionState_SESSION_STATE_PLANNED:
		return "Planifiée"
	case assessmentv1.SessionState_SESSION_STATE_IN_PROGRESS:
		return "En cours"
	case assessmentv1.SessionState_SESSION_STATE_DELIBERATED:
		return "Délibérée, procès-verbal en signature"
	case assessmentv1.SessionState_SESSION_STATE_CLOSED:
		return "Close : résultats transmis au ministère"
	case assessmentv1.SessionState_SESSION_STATE_CANCELLED:
		return "Annulée : vous pouvez vous inscrire à une autre session"
	}
	return "Inconnu"
}

func ccpOutcomeLabel(o certificationv1.CcpOutcome) string {
	switch o {
	case certificationv1.CcpOutcome_CCP_OUTCOME_OBTAINED:
		return "Obtenu"
	case certificationv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED:
		return "Non obtenu"
	}
	return "Non décidé"
}

func candidateTitleOutcomeLabel(o certificationv1.TitleOutcome) string {
	switch o {
	case certificationv1.TitleOutcome_TITLE_OUTCOME_AWARDED:
		return "Titre obtenu"
	case certificationv1.TitleOutcome_TITLE_OUTCOME_PARTIAL:
		return "Réussite partielle : certains blocs obtenus"
	case certificationv1.TitleOutcome_TITLE_OUTCOME_FAILED:
		return "Aucun bloc obtenu"
	case certificationv1.TitleOutcome_TITLE_OUTCOME_ABSENT:
		return "Absent"
	}
	return "Non décidé"
}

// sizeFR formats a size in bytes the French way: "830 octets", "12 ko",
// "1,4 Mo" (powers of 1024, as file managers show them).
func sizeFR(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + nbsp + "octets"
	case n < 1024*1024:
		return DecimalFR(float64(n)/1024, 0) + nbsp + "ko"
	case n < 1024*1024*1024:
		return DecimalFR(float64(n)/(1024*1024), 1) + nbsp + "Mo"
	}
	return DecimalFR(float64(n)/(1024*1024*1024), 1) + nbsp + "Go"
}

// fullName is a person's name as the candidate record holds it: given
// names, then the usage name, else the birth name.
func fullName(c *candidatev1.Candidate) string {
	name := ""
	for _, g := range c.GetGivenNames() {
		name += g + " "
	}
	if c.GetUsageName() != "" {
		return name + c.GetUsageName()
	}
	return name + c.GetBirthName()
}

// hasCode reports whether err is a gRPC status with code c.
func hasCode(err error, c codes.Code) bool {
	var s interface{ GRPCStatus() *status.Status }
	return errors.As(err, &s) && s.GRPCStatus().Code() == c
}
