package web

import (
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// The refusals a juror meets, in French: what happened, what to do, and
// the rule (docs/rules.md) by its number and name. describe (message.go)
// gives the generic text; these replace it for the reasons the juror's
// screens expect, until the shared catalogue of French messages covers
// them. Keyed by the ErrorInfo reason of the services.

type juryRefusal struct{ Title, Detail, Rule string }

const (
	juryRuleR19 = "R19 — un jury compte au moins deux membres"
	juryRuleR21 = "R21 — aucun membre du jury lié au candidat"
	juryRuleR34 = "R34 — un dossier professionnel à chaque session"
	juryRuleR43 = "R43 — l’entretien final termine la session titre seulement"
	juryRuleR48 = "R48 — une décision motivée par CCP"
	juryRuleR49 = "R49 — tous les éléments réunis avant de délibérer"
	juryRuleR50 = "R50 — un procès-verbal signé par chaque membre du jury"
)

// juryConflictRefusal is the answer to a juror recused from a candidacy (R21),
// by the assessment service (JUROR_CONFLICT_OF_INTEREST) or the portfolio
// service (DOSSIER_ACCESS_DENIED naming R21).
var juryConflictRefusal = juryRefusal{
	Title: "Vous ne pouvez pas intervenir sur cette candidature",
	Detail: "Vous avez déclaré un lien avec ce candidat (organisme de formation, employeur ou lien personnel). " +
		"Pour garantir l’impartialité du jury, vous ne consultez pas son dossier, vous ne l’évaluez pas et vous ne délibérez pas sur sa candidature. " +
		"Vous lisez et signez néanmoins le procès-verbal de la session, qui engage le jury entier.",
	Rule: juryRuleR21,
}

// juryStaleGridRefusal is the answer to a grid saved with an old etag.
var juryStaleGridRefusal = juryRefusal{
	Title: "Une autre modification est arrivée avant la vôtre",
	Detail: "Votre grille a été modifiée ailleurs (dans un autre onglet ou sur un autre appareil) depuis que vous l’avez ouverte : " +
		"vos derniers choix n’ont pas été enregistrés. Rechargez la grille pour voir la dernière version, puis reprenez vos choix.",
}

var jurorRefusals = map[string]juryRefusal{
	"JUROR_CONFLICT_OF_INTEREST": juryConflictRefusal,
	"JUROR_NOT_ASSIGNED": {
		Title:  "Vous ne siégez pas dans ce jury",
		Detail: "Cette session n’est pas l’une de celles où vous êtes membre du jury, ou elle n’existe pas. Vos sessions sont listées dans « Mes sessions de jury ».",
	},
	"SESSION_ACCESS_DENIED": {
		Title:  "Session inaccessible",
		Detail: "Cette session n’est pas l’une de celles où vous êtes membre du jury, ou elle n’existe pas.",
	},
	"EVALUATION_ACCESS_DENIED": {
		Title:  "Grille d’un autre membre du jury",
		Detail: "Chaque membre du jury consulte et remplit sa propre grille seulement.",
	},
	"SESSION_NOT_IN_PROGRESS": {
		Title:  "La session n’est pas ouverte",
		Detail: "Les évaluations et la délibération commencent quand le centre a ouvert la session. Revenez le jour de la session.",
	},
	"SESSION_CLOSED": {
		Title:  "Session close",
		Detail: "Tous les membres du jury ont signé le procès-verbal : plus rien ne peut changer dans cette session.",
		Rule:   juryRuleR50,
	},
	"EVALUATION_LOCKED": {
		Title:  "Grille verrouillée",
		Detail: "Le jury a délibéré sur cette candidature : les grilles d’évaluation ne peuvent plus changer.",
	},
	"EVALUATION_VERSION_CONFLICT": juryStaleGridRefusal,
	"DOSSIER_MISSING": {
		Title:  "Dossier professionnel manquant",
		Detail: "Le candidat n’a pas déposé son dossier professionnel pour cette session : le jury ne peut pas délibérer sans lui.",
		Rule:   juryRuleR34,
	},
	"EVALUATION_MISSING": {
		Title: "Des grilles d’évaluation sont incomplètes",
		Detail: "Le jury délibère quand chacun de ses membres sans lien avec le candidat a donné un verdict pour chaque compétence. " +
			"Complétez votre grille, ou attendez que les autres membres aient complété la leur.",
		Rule: juryRuleR49,
	},
	"JURY_TOO_SMALL": {
		Title:  "Jury insuffisant",
		Detail: "Au moins deux membres du jury sans lien avec le candidat doivent pouvoir délibérer sur sa candidature.",
		Rule:   juryRuleR19,
	},
	"MINUTES_SIGNING_STARTED": {
		Title:  "La signature du procès-verbal a commencé",
		Detail: "Un membre du jury a déjà signé le procès-verbal : les décisions ne peuvent plus changer.",
		Rule:   juryRuleR50,
	},
	"SESSION_NOT_DELIBERATED": {
		Title:  "Procès-verbal pas encore établi",
		Detail: "Le procès-verbal est établi quand le jury a délibéré sur chaque candidature de la session.",
		Rule:   juryRuleR50,
	},
	"MINUTES_CHANGED": {
		Title: "Le procès-verbal a changé depuis votre lecture",
		Detail: "Une décision a été enregistrée depuis que vous avez ouvert le procès-verbal : votre signature n’a pas été enregistrée. " +
			"Relisez la version à jour ci-dessous, puis signez-la.",
		Rule: juryRuleR50,
	},
	"MINUTES_ALREADY_SIGNED": {
		Title:  "Procès-verbal déjà signé",
		Detail: "Vous avez déjà signé ce procès-verbal.",
	},
	"SESSION_NOT_FOUND": {
		Title:  "Session introuvable",
		Detail: "Aucune session ne porte cet identifiant.",
	},
	"CANDIDACY_NOT_FOUND": {
		Title:  "Candidature introuvable",
		Detail: "Cette session n’a pas de candidature portant cet identifiant.",
	},
	"DOSSIER_ACCESS_DENIED": {
		Title:  "Dossier inaccessible",
		Detail: "Vous ne pouvez pas consulter ce dossier : seuls le candidat, le centre et le jury de la session où il a été déposé le lisent.",
	},
}

// jurorMessage is describe(err) with the French text of the juror's
// refusals.
func jurorMessage(err error) Message {
	m := describe(err)
	why, rule := m.Reason, m.Rule
	r, ok := jurorRefusals[why]
	if why == "DOSSIER_ACCESS_DENIED" && rule == "R21" {
		r, ok = juryConflictRefusal, true
	}
	if !ok {
		return m
	}
	m.Title, m.Detail, m.Rule = r.Title, r.Detail, r.Rule
	return m
}

// jurorFail is a.fail with the juror's French refusals: the login round
// trip for an expired token, the generic page for internal failures, and
// otherwise the error page with the juryRefusal and a way back.
func (a *App) jurorFail(w http.ResponseWriter, r *http.Request, err error, back *link) {
	st, ok := status.FromError(err)
	if !ok || st.Code() == codes.Unauthenticated || st.Code() == codes.Internal || st.Code() == codes.Unknown || st.Code() == codes.DataLoss {
		a.fail(w, r, err)
		return
	}
	if st.Code() == codes.Unavailable || st.Code() == codes.DeadlineExceeded {
		a.log.WarnContext(r.Context(), "web: service unavailable", "path", r.URL.Path, "err", err)
	}
	m := jurorMessage(err)
	if back == nil {
		back = &link{Label: "Mes sessions de jury", Href: "/jury"}
	}
	a.renderError(w, r, runtime.HTTPStatusFromCode(st.Code()), errorPage{Title: m.Title, Detail: m.Detail, Rule: m.Rule, Fields: m.Fields, Link: back})
}
