// Package pdf prints a candidate's fiche individuelle de résultats as a PDF
// document in French (internal/pdfdoc), from the minutes the ministry
// validated, with their version and content hash.
package pdf

import (
	"fmt"
	"strings"

	"github.com/titrepro/titrepro/internal/pdfdoc"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// Printer implements query.SheetPrinter.
type Printer struct{}

var _ query.SheetPrinter = Printer{}

// ResultSheetPDF implements query.SheetPrinter.
func (Printer) ResultSheetPDF(s query.ResultSheet) ([]byte, error) {
	r, l, hd := s.Result, s.Line, s.Holder
	footer := fmt.Sprintf("Fiche de la candidature %s, PV version %d, empreinte %s", l.CandidacyID, max(r.Version, 1), r.MinutesHash)
	d := pdfdoc.New("Fiche individuelle de résultats", footer, r.ValidatedAt)
	d.Title("Fiche individuelle de résultats\nTitre professionnel " + r.TitleCode + " (version " + r.TitleVersion + ")")
	if s.Title.Label != "" {
		d.Field("Titre", s.Title.Label)
	}
	d.Field("Candidat", name(s))
	if hd.BirthDate != "" {
		d.Field("Date de naissance", pdfdoc.CivilDateFR(hd.BirthDate))
	}
	d.Field("Candidature", l.CandidacyID)
	kind := "session titre"
	if r.Type == result.SessionCcp {
		kind = "session CCP"
	}
	d.Field("Session", kind+" "+r.SessionID)
	d.Field("Centre", r.CentreID)
	d.Field("Date du jury", pdfdoc.CivilDateFR(r.JuryDate))
	d.Field("Validation", "procès-verbal validé par la DREETS le "+pdfdoc.DateFR(r.ValidatedAt))

	d.Heading("Décisions du jury")
	for _, dec := range l.Decisions {
		label := dec.CcpCode
		if c, ok := s.Title.CcpByCode(dec.CcpCode); ok && c.Label != "" {
			label += " — " + c.Label
		}
		if dec.Outcome == result.Obtained {
			d.Strong(0, label+" : obtenu")
			continue
		}
		d.Strong(0, label+" : non obtenu")
		d.Text(4, "Motivation : "+dec.Motivation)
	}
	d.Space(2)
	d.Field("Résultat", outcome(l.TitleOutcome))

	if p := s.Progress; len(p.Missing) > 0 {
		d.Heading("Pour obtenir le titre")
		if len(p.Held) > 0 {
			d.Text(0, "CCP acquis : "+strings.Join(p.Held, ", ")+".")
		}
		d.Text(0, "CCP manquants : "+strings.Join(p.Missing, ", ")+".")
		d.Text(0, p.Advice())
	}

	d.Heading("Procès-verbal de référence")
	d.Field("Version", fmt.Sprint(max(r.Version, 1)))
	d.Fingerprint("Empreinte du contenu (SHA-256), signée par chaque juré :", r.MinutesHash)
	return d.Bytes()
}

func name(s query.ResultSheet) string {
	hd := s.Holder
	if hd.BirthName == "" {
		return s.Line.CandidateID
	}
	n := hd.BirthName + " " + strings.Join(hd.GivenNames, " ")
	if hd.UsageName != "" && hd.UsageName != hd.BirthName {
		n += " (nom d'usage : " + hd.UsageName + ")"
	}
	return strings.TrimSpace(n)
}

func outcome(o result.TitleOutcome) string {
	switch o {
	case result.TitleAwarded:
		return "titre obtenu"
	case result.TitlePartial:
		return "obtention partielle"
	case result.TitleFailed:
		return "aucun CCP obtenu"
	case result.TitleAbsent:
		return "absent"
	}
	return string(o)
}
