package notice

import (
	"bytes"
	"html"
	"strings"
	"text/template"
)

// The messages, in French. Each template gets a view (below) and writes the
// subject on its first line, then a blank line, then the text body; the
// HTML alternative is the same text, escaped, in paragraphs.
var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"date":      FrenchDate,
	"period":    FrenchPeriod,
	"time":      FrenchTime,
	"hasPrefix": strings.HasPrefix,
}).Parse(`
{{define "candidate_convocation"}}Convocation – titre professionnel {{.TitleName}} – session {{period .S.StartDate .S.EndDate}}

Bonjour {{.Name}},

Vous êtes convoqué·e à la session de validation du titre professionnel {{.TitleFull}}, qui se tiendra {{period .S.StartDate .S.EndDate}}.
{{template "session" .}}
Certificats de compétences professionnelles (CCP) que vous présentez :
{{range .CCPs}}  - {{.}}
{{end}}{{if .S.DossierDeadline}}
Votre Dossier Professionnel doit être déposé au plus tard le {{date .S.DossierDeadline}}.
{{end}}
Présentez-vous muni·e d'une pièce d'identité en cours de validité. Le centre organisateur vous précisera l'horaire de chaque épreuve.
{{template "footer" .}}{{end}}

{{define "juror_convocation"}}Convocation du jury – titre professionnel {{.TitleName}} – session {{period .S.StartDate .S.EndDate}}

Bonjour {{.Name}},

Vous êtes désigné·e membre du jury de la session de validation du titre professionnel {{.TitleFull}}, qui se tiendra {{period .S.StartDate .S.EndDate}}.
{{template "session" .}}
Avant votre première évaluation, déclarez tout lien avec un candidat de la session : vous ne pourrez ni évaluer ni délibérer sur un candidat avec lequel vous avez un lien.
{{template "footer" .}}{{end}}

{{define "juror_released"}}Fin de désignation au jury – titre professionnel {{.TitleName}} – session {{period .S.StartDate .S.EndDate}}

Bonjour {{.Name}},

Vous n'êtes plus membre du jury de la session de validation du titre professionnel {{.TitleFull}} prévue {{period .S.StartDate .S.EndDate}} : la convocation que vous avez reçue est annulée.
{{template "session" .}}
{{template "footer" .}}{{end}}

{{define "session_updated"}}Modification – session du titre professionnel {{.TitleName}} {{period .S.StartDate .S.EndDate}}

Bonjour {{.Name}},

La session de validation du titre professionnel {{.TitleFull}} {{if .Juror}}dont vous êtes membre du jury{{else}}à laquelle vous êtes inscrit·e{{end}} a été modifiée.
{{template "session" .}}{{if .Changes}}
Ce qui change :
{{range .Changes}}  - {{.}}
{{end}}{{end}}{{template "reason" .}}
{{template "footer" .}}{{end}}

{{define "session_postponed"}}Report – session du titre professionnel {{.TitleName}}

Bonjour {{.Name}},

La session de validation du titre professionnel {{.TitleFull}} {{if .Juror}}dont vous êtes membre du jury{{else}}à laquelle vous êtes inscrit·e{{end}}, prévue {{period .Before.StartDate .Before.EndDate}}, est reportée. Elle se tiendra {{period .S.StartDate .S.EndDate}}.
{{template "session" .}}{{template "reason" .}}
{{if .Juror}}Votre désignation au jury est maintenue pour les nouvelles dates.{{else}}Votre inscription est maintenue pour les nouvelles dates : cette convocation remplace la précédente.{{end}}
{{template "footer" .}}{{end}}

{{define "session_cancelled"}}Annulation – session du titre professionnel {{.TitleName}} {{period .S.StartDate .S.EndDate}}

Bonjour {{.Name}},

La session de validation du titre professionnel {{.TitleFull}} prévue {{period .S.StartDate .S.EndDate}} est annulée. {{if .Juror}}Vous n'êtes plus attendu·e comme membre du jury.{{else}}Vous n'êtes plus attendu·e à cette session ; le centre organisateur vous proposera une autre session.{{end}}
{{template "reason" .}}
Référence de la session : {{.S.ID}}
{{template "footer" .}}{{end}}

{{define "results"}}{{if .Corrected}}Résultats rectifiés{{else}}Vos résultats{{end}} – titre professionnel {{.TitleName}} – jury du {{date .M.JuryDate}}

Bonjour {{.Name}},
{{if .Corrected}}
Le procès-verbal de la session de validation du titre professionnel {{.TitleFull}} a été rectifié et validé à nouveau par le ministère chargé de l'emploi le {{time .V.ValidatedAt}}. Ces résultats remplacent ceux qui vous ont été communiqués après la validation du {{time .Prev.ValidatedAt}} : seuls ceux-ci font foi. Voici les décisions vous concernant :
{{else}}
Les résultats de la session de validation du titre professionnel {{.TitleFull}} ont été validés par le ministère chargé de l'emploi le {{time .V.ValidatedAt}}. Voici les décisions du jury du {{date .M.JuryDate}} vous concernant :
{{end}}
{{range .Decisions}}  - {{.}}
{{end}}
{{.Outcome}}

Vous pouvez consulter vos résultats et télécharger votre fiche individuelle de résultats dans votre espace candidat.

Référence de la session : {{.S.ID}}
{{template "footer" .}}{{end}}

{{define "certificate_withdrawn"}}Retrait de votre {{if .W.Livret}}livret de certification – {{end}}titre professionnel {{.TitleName}}

Bonjour {{.Name}},

Par décision de l'autorité administrative du {{date .W.DecidedOn}}, référence {{.W.Reference}}, votre {{.Document}} {{.TitleFull}}, n° {{.W.CertificateNumber}}, vous est retiré.
{{if .CCPs}}
La décision retire également de votre parcours les certificats de compétences professionnelles (CCP) suivants :
{{range .CCPs}}  - {{.}}
{{end}}{{end}}
Ce document n'est plus vérifié comme valide : la vérification publique et vos attestations numériques le présentent désormais comme retiré.

Les motifs de ce retrait sont exposés dans la décision elle-même, qui vous est notifiée par l'autorité administrative.
{{template "appeal_rights" .}}
Référence de la décision : {{.W.Reference}}
{{template "footer_decision" .}}{{end}}

{{define "appeal_decided"}}Décision sur votre recours – {{if eq .A.Outcome "dismissed"}}recours irrecevable{{else}}décision {{.Outcome}}{{end}}

Bonjour {{.Name}},

Le recours {{.AppealKind}} formé contre {{.Appealed}} a été examiné. Par décision du {{date .A.DecidedOn}} :
{{if eq .A.Outcome "upheld"}}
La décision contestée est maintenue : elle reste en vigueur.
{{else if eq .A.Outcome "reformed"}}
La décision contestée est réformée.
{{range .A.RestoredCertificates}}
Votre certificat n° {{.}} est de nouveau en vigueur : il est de nouveau vérifié comme valide, et vos attestations numériques avec lui.
{{end}}{{if .CCPs}}
Les certificats de compétences professionnelles (CCP) suivants figurent de nouveau dans votre parcours :
{{range .CCPs}}  - {{.}}
{{end}}{{end}}{{if hasPrefix .A.Decision "results/"}}
Vos résultats rectifiés vous seront communiqués après la validation du procès-verbal corrigé.
{{end}}{{else}}
Le recours est rejeté comme irrecevable : la décision contestée reste en vigueur.
{{end}}
Les motifs de cette décision sont exposés dans la décision elle-même, qui vous est notifiée par l'autorité administrative.

Référence de la décision contestée : {{.A.Decision}}
{{template "footer_decision" .}}{{end}}

{{define "sanction_pronounced"}}{{if eq .Sa.Kind "ban"}}Sanction – interdiction d'inscription jusqu'au {{date .Sa.LastDay}} inclus{{else}}Sanction – exclusion de la session de validation{{end}}

Bonjour {{.Name}},

Par décision qui vous a été notifiée le {{date .Sa.NotifiedOn}}, référence {{.Sa.Reference}}, l'autorité administrative a prononcé à votre encontre, à la suite d'une fraude, la sanction suivante :
{{if eq .Sa.Kind "ban"}}
Interdiction de vous inscrire à une session de validation du titre professionnel pendant {{.Sa.DurationMonths}} mois, du {{date .Sa.NotifiedOn}} au {{date .Sa.LastDay}} inclus. Vous pourrez de nouveau être inscrit·e à une session à compter du {{date .Sa.EndsOn}}.
{{else}}
Exclusion de la session de validation{{if .Sa.SessionID}} {{.Sa.SessionID}}{{end}}.
{{end}}
Motifs de la décision, tels qu'ils figurent dans la décision qui vous a été notifiée :
{{.Reason}}
{{template "appeal_rights" .}}
Référence de la décision : {{.Sa.Reference}}
{{template "footer_decision" .}}{{end}}

{{define "appeal_rights"}}
Vous pouvez contester cette décision par un recours gracieux auprès de son auteur, par un recours hiérarchique auprès de l'autorité supérieure, ou par un recours contentieux devant le tribunal administratif compétent, dans un délai de deux mois à compter de la notification de la décision, sauf mention contraire de la décision.
{{end}}

{{define "footer_decision"}}
Ce message vous est envoyé automatiquement ; merci de ne pas y répondre. Pour toute question, adressez-vous à l'autorité administrative qui a pris la décision (DREETS).

Ministère chargé du travail – Titre professionnel
{{end}}

{{define "session"}}
Session : {{if eq .S.Type "ccp"}}session CCP{{else}}session titre{{end}} ({{.S.ID}})
Dates : {{period .S.StartDate .S.EndDate}}
{{if .S.Site}}Lieu : {{.S.Site}}
{{end}}Centre organisateur : {{.S.CentreID}}
{{end}}

{{define "reason"}}{{if .Reason}}
Motif : {{.Reason}}
{{end}}{{end}}

{{define "footer"}}
Ce message vous est envoyé automatiquement ; merci de ne pas y répondre. Pour toute question, adressez-vous au centre organisateur.

Ministère chargé du travail – Titre professionnel
{{end}}
`))

// view is what the templates read.
type view struct {
	S, Before Session
	M         Minutes
	V, Prev   Validation
	Corrected bool
	Name      string
	TitleName string // the title's wording, or its code when unknown
	TitleFull string // "Technicien supérieur … (TP-00495, version 2008)"
	CCPs      []string
	Changes   []string
	Decisions []string
	Outcome   string
	Reason    string
	Juror     bool
	// The ministry's decisions (decisions.go).
	W          Withdrawal
	A          AppealDecision
	Sa         Sanction
	Document   string // "titre professionnel" or "livret de certification du titre professionnel"
	AppealKind string // "gracieux", "hiérarchique", "contentieux"
	Appealed   string // the decision appealed, in words
}

func newView(s Session, t Title, p Person) view {
	v := view{S: s, Name: strings.TrimSpace(p.Name), TitleName: s.TitleID}
	if v.Name == "" {
		v.Name = "Madame, Monsieur"
	}
	if t.Label != "" {
		v.TitleName = t.Label
		v.TitleFull = t.Label + " (" + s.TitleID + ", version " + s.TitleVersion + ")"
	} else {
		v.TitleFull = s.TitleID + ", version " + s.TitleVersion
	}
	return v
}

func ccpName(t Title, code string) string {
	if l := t.CCPLabel(code); l != "" {
		return code + " – " + l
	}
	return code
}

// CandidateConvocation is the convocation of a candidate to the session
// of their candidacy.
func CandidateConvocation(s Session, t Title, c Candidacy, p Person) Content {
	v := newView(s, t, p)
	codes := c.CCPCodes
	if len(codes) == 0 {
		codes = s.CCPCodes
	}
	for _, code := range codes {
		v.CCPs = append(v.CCPs, ccpName(t, code))
	}
	return render("candidate_convocation", v)
}

// JurorConvocation is the convocation of a juror to a session's jury.
func JurorConvocation(s Session, t Title, j Juror) Content {
	return render("juror_convocation", newView(s, t, Person{Name: j.Name}))
}

// JurorReleased tells a juror they no longer sit on a session's jury.
func JurorReleased(s Session, t Title, j Juror) Content {
	return render("juror_released", newView(s, t, Person{Name: j.Name}))
}

// SessionChange tells a candidate (juror false) or a juror of the session
// that it changed: before is the session as last told, ch.Session as it is
// now.
func SessionChange(ch Change, before Session, t Title, p Person, juror bool) Content {
	v := newView(ch.Session, t, p)
	v.Before, v.Reason, v.Juror = before, strings.TrimSpace(ch.Reason), juror
	if before.StartDate != ch.Session.StartDate || before.EndDate != ch.Session.EndDate {
		v.Changes = append(v.Changes, "dates : "+FrenchPeriod(ch.Session.StartDate, ch.Session.EndDate)+
			" (au lieu de "+FrenchPeriod(before.StartDate, before.EndDate)+")")
	}
	if before.Site != ch.Session.Site && ch.Session.Site != "" {
		v.Changes = append(v.Changes, "lieu : "+ch.Session.Site)
	}
	if before.DossierDeadline != ch.Session.DossierDeadline && ch.Session.DossierDeadline != "" && !juror {
		v.Changes = append(v.Changes, "date limite de dépôt du Dossier Professionnel : "+FrenchDate(ch.Session.DossierDeadline))
	}
	switch ch.Kind {
	case ChangePostponed:
		return render("session_postponed", v)
	case ChangeCancelled:
		return render("session_cancelled", v)
	default:
		return render("session_updated", v)
	}
}

// Results tells a candidate the jury's decisions on their candidacy, once
// the ministry validated the minutes (R51).
func Results(s Session, t Title, m Minutes, line Line, val Validation, p Person) Content {
	return render("results", results(s, t, m, line, val, p))
}

func results(s Session, t Title, m Minutes, line Line, val Validation, p Person) view {
	v := newView(s, t, p)
	v.M, v.V = m, val
	for _, d := range line.Decisions {
		text := ccpName(t, d.CCPCode) + " : "
		if d.Outcome == Obtained {
			text += "obtenu"
		} else {
			text += "non obtenu"
			if d.Motivation != "" {
				text += " – motif : " + d.Motivation
			}
		}
		v.Decisions = append(v.Decisions, text)
	}
	switch line.TitleOutcome {
	case TitleAwarded:
		v.Outcome = "Vous avez obtenu le titre professionnel " + v.TitleName + ". Félicitations ! Votre titre vous sera délivré par le ministère."
	case TitlePartial:
		v.Outcome = "Vous avez obtenu une partie des CCP. Les CCP obtenus vous restent acquis : vous pourrez présenter les autres lors d'une prochaine session pour obtenir le titre."
	case TitleAbsent:
		v.Outcome = "Vous étiez absent·e à cette session : aucun CCP n'a pu vous être attribué."
	default:
		v.Outcome = "Vous n'avez pas obtenu de CCP lors de cette session. Vous pourrez vous présenter à une prochaine session."
	}
	return v
}

// CorrectedResults tells a candidate the decisions of corrected minutes,
// validated again (val), which replace those told after prev.
func CorrectedResults(s Session, t Title, m Minutes, line Line, val, prev Validation, p Person) Content {
	c := results(s, t, m, line, val, p)
	c.Corrected, c.Prev = true, prev
	return render("results", c)
}

// render executes a template: first line the subject, the rest the body.
func render(name string, v view) Content {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, v); err != nil {
		// The templates are fixed and tested: an error is a bug.
		panic("notice: template " + name + ": " + err.Error())
	}
	subject, body, _ := strings.Cut(b.String(), "\n")
	body = strings.TrimLeft(body, "\n")
	// Collapse the blank lines the template's conditionals leave.
	for strings.Contains(body, "\n\n\n") {
		body = strings.ReplaceAll(body, "\n\n\n", "\n\n")
	}
	return Content{Subject: strings.TrimSpace(subject), Text: body, HTML: toHTML(subject, body)}
}

// toHTML is the text in paragraphs, every character escaped.
func toHTML(subject, text string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>")
	b.WriteString(html.EscapeString(strings.TrimSpace(subject)))
	b.WriteString("</title></head><body>\n")
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		lines := strings.Split(para, "\n")
		if strings.HasPrefix(strings.TrimSpace(lines[len(lines)-1]), "- ") {
			// A list, possibly under a heading line.
			var items []string
			for _, l := range lines {
				if t := strings.TrimSpace(l); strings.HasPrefix(t, "- ") {
					items = append(items, "<li>"+html.EscapeString(strings.TrimPrefix(t, "- "))+"</li>")
				} else {
					b.WriteString("<p>" + html.EscapeString(t) + "</p>\n")
				}
			}
			b.WriteString("<ul>" + strings.Join(items, "") + "</ul>\n")
			continue
		}
		for i, l := range lines {
			lines[i] = html.EscapeString(l)
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>\n") + "</p>\n")
	}
	b.WriteString("</body></html>\n")
	return b.String()
}
