package pdf_test

import (
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/pdfdoc/pdftext"
	"github.com/titrepro/titrepro/services/assessment/internal/adapters/pdf"
	"github.com/titrepro/titrepro/services/assessment/internal/app/query"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

var at = time.Date(2026, 6, 3, 15, 30, 0, 0, time.UTC)

// TestMinutesPDF prints a second version of minutes, returned and signed
// again, and reads it back with pdftotext: every decision and motivation
// (accents and all), every name, the version, the return and both hashes.
func TestMinutesPDF(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Le candidat n’a pas su présenter la gestion des « incidents » ni l’œuvre réalisée. ", 6)
	v := query.MinutesView{
		Version: minutes.Version{Number: 2, State: minutes.VersionSigned, SignedAt: at, Minutes: minutes.Minutes{
			Encoding: minutes.EncodingV3, Hash: strings.Repeat("ab", 32),
			Content: minutes.Content{SessionID: "s-1", CentreID: "CENTRE-69", Type: title.SessionTitre, TitleID: "TP-00495",
				TitleVersion: "2008", JuryDate: "2026-06-03", Version: 2, PreviousHash: strings.Repeat("cd", 32),
				Lines: []minutes.Line{
					{CandidacyID: "cy-1", CandidateID: "c1", Outcome: deliberation.Partial, Decisions: []deliberation.Decision{
						{CCPCode: "CCP1", Outcome: deliberation.Obtained},
						{CCPCode: "CCP2", Outcome: deliberation.NotObtained, Motivation: long},
					}},
					{CandidacyID: "cy-2", CandidateID: "c2", Outcome: deliberation.Absent},
				},
				Jurors: []minutes.Juror{{Subject: "j1", Name: "Hélène Lefèvre"}, {Subject: "j2", Name: "Noël Müller"}}},
			Signatures: []minutes.Signature{{JurorSubject: "j1", SignedAt: at}, {JurorSubject: "j2", SignedAt: at}},
		}},
		ReopenedBy: &minutes.Return{Version: 1, Reason: "Motivation du CCP2 à préciser.", CandidacyIDs: []string{"cy-1"}, At: at},
		Names:      map[string]string{"cy-1": "Durand Élodie", "cy-2": "Çelik Zoë"},
		Site:       "AFPA Lyon Vénissieux",
		Printed:    at,
	}
	b, err := pdf.Printer{}.MinutesPDF(v)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftext.Extract(t, b)
	for _, want := range []string{
		"Procès-verbal de délibération du jury", "TP-00495", "AFPA Lyon Vénissieux", "03/06/2026",
		"2 — signée par tous les jurés", "Cette version remplace la version 1", "« Motivation du CCP2 à préciser. »",
		"Candidat : Durand Élodie (candidature cy-1)", "Résultat : obtention partielle", "CCP1 : obtenu",
		"CCP2 : non obtenu. Motivation : " + strings.TrimSpace(long),
		"Candidat : Çelik Zoë (candidature cy-2)", "Résultat : absent",
		"Hélène Lefèvre : a signé le 03/06/2026 à 17:30", "Noël Müller : a signé",
		"titrepro-minutes/3", strings.Repeat("ab", 32), strings.Repeat("cd", 32),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
}

// TestR57_MinutesPDFMentionsEveryFraudReport: the printed minutes list the
// fraud reports of the session, on a candidate or on the session, with
// who established them and the measure taken; minutes without any say so.
func TestR57_MinutesPDFMentionsEveryFraudReport(t *testing.T) {
	t.Parallel()
	content := minutes.Content{SessionID: "s-1", CentreID: "CENTRE-69", Type: title.SessionTitre, TitleID: "TP-00495",
		TitleVersion: "2008", JuryDate: "2026-06-03", Version: 1,
		Lines:  []minutes.Line{{CandidacyID: "cy-1", CandidateID: "c1", Outcome: deliberation.Failed}},
		Jurors: []minutes.Juror{{Subject: "j1", Name: "Hélène Lefèvre"}},
		FraudReports: []minutes.FraudMention{
			{ReportID: "fr-1", CandidacyID: "cy-1", CandidateID: "c1", ObservedAt: "2026-06-02T08:15:00Z", ReporterRole: "JUROR",
				ReporterName: "Hélène Lefèvre", Measure: "EXCLUDED_FROM_EPREUVE"},
			{ReportID: "fr-2", ObservedAt: "2026-06-02T09:00:00Z", ReporterRole: "CENTRE", ReporterName: "CENTRE-69", Measure: "NONE"},
		}}
	v := query.MinutesView{Version: minutes.Version{Number: 1, Minutes: minutes.Minutes{Encoding: minutes.EncodingV4,
		Hash: strings.Repeat("ef", 32), Content: content}}, Names: map[string]string{"cy-1": "Durand Élodie"}, Printed: at}
	b, err := pdf.Printer{}.MinutesPDF(v)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftext.Extract(t, b)
	for _, want := range []string{
		"Rapports de fraude", "Rapport de fraude fr-1 sur le candidat Durand Élodie (candidature cy-1)",
		"Faits constatés le 02/06/2026 à 10:15, rapport établi par le juré Hélène Lefèvre.", "Mesure prise : candidat exclu de l'épreuve.",
		"Rapport de fraude fr-2 sur la session", "rapport établi par le responsable de session (centre CENTRE-69)", "Mesure prise : aucune.",
		"titrepro-minutes/4",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	content.FraudReports = nil
	v.Minutes.Content = content
	b, err = pdf.Printer{}.MinutesPDF(v)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdftext.Extract(t, b); !strings.Contains(text, "Aucun rapport de fraude n'a été établi pendant la session.") {
		t.Errorf("minutes without report do not say so:\n%s", text)
	}
}
