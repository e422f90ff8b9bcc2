// Package pdf prints the minutes (procès-verbal) of a session as a PDF
// document in French (internal/pdfdoc), with the version and the content
// hash every juror signed, so that a printed copy can be checked against
// the signed minutes (docs/signatures.md).
package pdf

import (
	"fmt"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/pdfdoc"
	"github.com/titrepro/titrepro/services/assessment/internal/app/query"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// Printer implements query.MinutesPrinter.
type Printer struct{}

var _ query.MinutesPrinter = Printer{}

// MinutesPDF implements query.MinutesPrinter.
func (Printer) MinutesPDF(v query.MinutesView) ([]byte, error) {
	m, c := v.Minutes, v.Minutes.Content
	footer := fmt.Sprintf("PV de la session %s, version %d, empreinte %s", c.SessionID, v.Number, orNone(m.Hash))
	d := pdfdoc.New("Procès-verbal de délibération du jury", footer, v.Printed)
	d.Title("Procès-verbal de délibération du jury\nTitre professionnel " + c.TitleID + " (version " + c.TitleVersion + ")")
	d.Field("Session", sessionType(c.Type)+" "+c.SessionID)
	d.Field("Centre", c.CentreID)
	if v.Site != "" {
		d.Field("Lieu", v.Site)
	}
	d.Field("Date du jury", pdfdoc.CivilDateFR(c.JuryDate))
	d.Field("Version du procès-verbal", fmt.Sprintf("%d — %s", v.Number, state(v)))
	if r := v.ReopenedBy; r != nil {
		d.Space(2)
		d.Strong(0, fmt.Sprintf("Cette version remplace la version %d, renvoyée par la DREETS le %s.", r.Version, frTime(r.At)))
		d.Text(0, "Motif du renvoi : « "+r.Reason+" »")
		d.Text(0, "Candidatures délibérées à nouveau : "+strings.Join(r.CandidacyIDs, ", ")+". Les autres décisions sont maintenues.")
	}

	d.Heading("Décisions du jury")
	for _, l := range c.Lines {
		name := v.Names[l.CandidacyID]
		if name == "" {
			name = l.CandidateID
		}
		d.Strong(0, "Candidat : "+name+" (candidature "+l.CandidacyID+")")
		d.Text(4, "Résultat : "+outcome(l.Outcome))
		for _, dec := range l.Decisions {
			if dec.Outcome == deliberation.Obtained {
				d.Text(4, dec.CCPCode+" : obtenu")
				continue
			}
			d.Text(4, dec.CCPCode+" : non obtenu. Motivation : "+dec.Motivation)
		}
		d.Space(2)
	}

	d.Heading("Rapports de fraude")
	if len(c.FraudReports) == 0 {
		d.Text(0, "Aucun rapport de fraude n'a été établi pendant la session.")
	}
	for _, f := range c.FraudReports {
		about := "la session"
		if f.CandidacyID != "" {
			name := v.Names[f.CandidacyID]
			if name == "" {
				name = f.CandidateID
			}
			about = "le candidat " + name + " (candidature " + f.CandidacyID + ")"
		}
		d.Strong(0, "Rapport de fraude "+f.ReportID+" sur "+about)
		d.Text(4, "Faits constatés le "+observed(f.ObservedAt)+", rapport établi par "+reporter(f)+".")
		d.Text(4, "Mesure prise : "+measure(f.Measure)+".")
		d.Space(2)
	}

	d.Heading("Jury et signatures")
	for _, j := range c.Jurors {
		sig, ok := signature(m, j.Subject)
		if ok {
			d.Text(0, j.Name+" : a signé le "+frTime(sig.SignedAt))
		} else {
			d.Text(0, j.Name+" : signature attendue")
		}
	}
	if r := v.Return; r != nil {
		d.Space(2)
		d.Strong(0, "Procès-verbal renvoyé par la DREETS le "+frTime(r.At)+" : « "+r.Reason+" »")
	}

	d.Heading("Empreinte du contenu")
	if m.Hash == "" {
		d.Text(0, "Le procès-verbal n'a pas encore d'empreinte : toutes les candidatures ne sont pas délibérées.")
	} else {
		d.Fingerprint("SHA-256 ("+string(m.Encoding)+"), signée par chaque juré :", m.Hash)
	}
	if c.PreviousHash != "" {
		d.Fingerprint("Empreinte de la version remplacée :", c.PreviousHash)
	}
	return d.Bytes()
}

func signature(m minutes.Minutes, subject string) (minutes.Signature, bool) {
	for _, s := range m.Signatures {
		if s.JurorSubject == subject {
			return s, true
		}
	}
	return minutes.Signature{}, false
}

func state(v query.MinutesView) string {
	switch v.State {
	case minutes.VersionReturned:
		return "renvoyée par la DREETS"
	case minutes.VersionSigned:
		return "signée par tous les jurés"
	}
	if v.Minutes.Hash == "" {
		return "en cours de délibération"
	}
	return "en cours de signature"
}

func sessionType(t title.SessionType) string {
	if t == title.SessionCCP {
		return "session CCP"
	}
	return "session titre"
}

func outcome(o deliberation.TitleOutcome) string {
	switch o {
	case deliberation.Awarded:
		return "titre obtenu"
	case deliberation.Partial:
		return "obtention partielle"
	case deliberation.Failed:
		return "aucun CCP obtenu"
	case deliberation.Absent:
		return "absent"
	}
	return string(o)
}

func observed(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return frTime(t)
}

func reporter(f minutes.FraudMention) string {
	if f.ReporterRole == "CENTRE" {
		return "le responsable de session (centre " + f.ReporterName + ")"
	}
	return "le juré " + f.ReporterName
}

func measure(m string) string {
	if m == "EXCLUDED_FROM_EPREUVE" {
		return "candidat exclu de l'épreuve"
	}
	return "aucune"
}

func frTime(t time.Time) string { return pdfdoc.DateTimeFR(t) }

func orNone(s string) string {
	if s == "" {
		return "(aucune)"
	}
	return s
}
