package web

import (
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
)

// French names of the assessment service's enums, as the centre's pages
// show them.

// centreStateView is a session state as a badge: its French name and the DSFR
// badge variant that colours it.
type centreStateView struct {
	Label string
	Badge string // fr-badge--info, --new, --warning, --success, --error
}

func centreState(s assessmentv1.SessionState) centreStateView {
	switch s {
	case assessmentv1.SessionState_SESSION_STATE_PLANNED:
		return centreStateView{"Planifiée", "fr-badge--info"}
	case assessmentv1.SessionState_SESSION_STATE_IN_PROGRESS:
		return centreStateView{"En cours", "fr-badge--new"}
	case assessmentv1.SessionState_SESSION_STATE_DELIBERATED:
		return centreStateView{"Délibérée, procès-verbal à signer", "fr-badge--warning"}
	case assessmentv1.SessionState_SESSION_STATE_CLOSED:
		return centreStateView{"Close, procès-verbal signé", "fr-badge--success"}
	case assessmentv1.SessionState_SESSION_STATE_CANCELLED:
		return centreStateView{"Annulée", "fr-badge--error"}
	default:
		return centreStateView{"État inconnu", ""}
	}
}

// sessionTypeLabel names a session type of the assessment service.
func sessionTypeLabel(t assessmentv1.SessionType) string {
	switch t {
	case assessmentv1.SessionType_SESSION_TYPE_TITRE:
		return "Session titre"
	case assessmentv1.SessionType_SESSION_TYPE_CCP:
		return "Session CCP"
	default:
		return "Session"
	}
}

// centreLinkKinds are the kinds of link a juror may declare (R21), in the order
// the jury form offers them, with the form's value for each.
var centreLinkKinds = []struct {
	Value, Label string
	Kind         assessmentv1.LinkKind
}{
	{"organisme", "Organisme de formation", assessmentv1.LinkKind_LINK_KIND_TRAINING_ORGANISATION},
	{"employeur", "Employeur", assessmentv1.LinkKind_LINK_KIND_EMPLOYER},
	{"candidat", "Candidat (identifiant)", assessmentv1.LinkKind_LINK_KIND_CANDIDATE},
}

func centreLinkKindLabel(k assessmentv1.LinkKind) string {
	for _, l := range centreLinkKinds {
		if l.Kind == k {
			return l.Label
		}
	}
	return "Lien"
}

// centreLinkKindOfName is centreLinkKindLabel for the name the service puts in a
// refusal's metadata ("TRAINING_ORGANISATION", …).
func centreLinkKindOfName(name string) string {
	return centreLinkKindLabel(assessmentv1.LinkKind(assessmentv1.LinkKind_value["LINK_KIND_"+name]))
}

func centreOutcomeLabel(o assessmentv1.TitleOutcome) string {
	switch o {
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_AWARDED:
		return "Tous les CCP obtenus"
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_PARTIAL:
		return "Une partie des CCP obtenus"
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_FAILED:
		return "Aucun CCP obtenu"
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_ABSENT:
		return "Absent"
	default:
		return "Non décidé"
	}
}

func centreCCPOutcomeLabel(o assessmentv1.CcpOutcome) string {
	switch o {
	case assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED:
		return "obtenu"
	case assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED:
		return "non obtenu"
	default:
		return "non décidé"
	}
}

// centreAccessRoutes are the access routes, in the order the candidate form
// offers them, with the form's value for each.
var centreAccessRoutes = []struct {
	Value, Label string
	Route        commonv1.AccessRoute
}{
	{"formation", "Formation professionnelle continue", commonv1.AccessRoute_ACCESS_ROUTE_TRAINING},
	{"apprentissage", "Apprentissage", commonv1.AccessRoute_ACCESS_ROUTE_APPRENTICESHIP},
	{"vae", "Validation des acquis de l’expérience (VAE)", commonv1.AccessRoute_ACCESS_ROUTE_VAE},
}

// accessRouteLabel names a candidate's access route.
func accessRouteLabel(r commonv1.AccessRoute) string {
	for _, a := range centreAccessRoutes {
		if a.Route == r {
			return a.Label
		}
	}
	return "Non renseignée"
}
