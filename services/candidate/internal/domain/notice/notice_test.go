package notice_test

import (
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
)

var (
	session = notice.Session{
		ID: "sess-1", CentreID: "CENTRE-75-001", Type: notice.SessionTitre, TitleID: "TP-00495", TitleVersion: "2008",
		CCPCodes: []string{"CCP1", "CCP2"}, StartDate: "2026-06-15", EndDate: "2026-06-16", DossierDeadline: "2026-06-01",
		Site: "AFPA Paris 13e, 12 rue de Tolbiac",
	}
	title = notice.Title{ID: "TP-00495", Version: "2008", Label: "Technicien supérieur de gestion des risques",
		CCPs: []notice.CCP{{Code: "CCP1", Label: "Préparer les opérations"}, {Code: "CCP2", Label: "Contrôler les risques"}}}
	camille = notice.Person{Name: "Camille Martin", Email: "camille.martin@example.org"}
)

func TestFrenchDates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"2026-06-15", "lundi 15 juin 2026"},
		{"2026-06-01", "lundi 1er juin 2026"},
		{"2026-08-16", "dimanche 16 août 2026"},
		{"2026-02-31", "2026-02-31"},
	} {
		if got := notice.FrenchDate(tc.in); got != tc.want {
			t.Errorf("FrenchDate(%s) = %q; want %q", tc.in, got, tc.want)
		}
	}
	if got := notice.FrenchPeriod("2026-06-15", "2026-06-15"); got != "le lundi 15 juin 2026" {
		t.Errorf("one day: %q", got)
	}
	if got := notice.FrenchPeriod("2026-06-15", "2026-06-16"); got != "du lundi 15 juin 2026 au mardi 16 juin 2026" {
		t.Errorf("two days: %q", got)
	}
	// Paris time, summer and winter: 12:05 UTC is 14 h 05 in July, 13 h 05 in January.
	if got := notice.FrenchTime(time.Date(2026, 7, 3, 12, 5, 0, 0, time.UTC)); got != "vendredi 3 juillet 2026 à 14 h 05" {
		t.Errorf("summer: %q", got)
	}
	if got := notice.FrenchTime(time.Date(2026, 1, 1, 23, 30, 0, 0, time.UTC)); got != "vendredi 2 janvier 2026 à 0 h 30" {
		t.Errorf("winter, next day in Paris: %q", got)
	}
}

func contains(t *testing.T, what string, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func TestCandidateConvocation(t *testing.T) {
	t.Parallel()
	c := notice.CandidateConvocation(session, title, notice.Candidacy{ID: "cy-1", CCPCodes: []string{"CCP2"}}, camille)
	contains(t, "subject", c.Subject, "Convocation", "Technicien supérieur de gestion des risques",
		"du lundi 15 juin 2026 au mardi 16 juin 2026")
	contains(t, "text", c.Text, "Bonjour Camille Martin,", "convoqué·e", "(TP-00495, version 2008)",
		"Lieu : AFPA Paris 13e, 12 rue de Tolbiac", "Centre organisateur : CENTRE-75-001",
		"CCP2 – Contrôler les risques", "au plus tard le lundi 1er juin 2026", "pièce d'identité", "sess-1")
	if strings.Contains(c.Text, "CCP1") {
		t.Errorf("the convocation names a CCP the candidate does not sit:\n%s", c.Text)
	}
	contains(t, "html", c.HTML, `<html lang="fr">`, "<li>CCP2 – Contrôler les risques</li>", "d&#39;une pièce", "Bonjour Camille Martin,")
	// A title not yet known: its code.
	c = notice.CandidateConvocation(session, notice.Title{}, notice.Candidacy{}, notice.Person{})
	contains(t, "text", c.Text, "Bonjour Madame, Monsieur,", "TP-00495, version 2008", "  - CCP1\n  - CCP2")
}

func TestJurorConvocation(t *testing.T) {
	t.Parallel()
	c := notice.JurorConvocation(session, title, notice.Juror{Subject: "j1", Name: "Jeanne Dupont"})
	contains(t, "subject", c.Subject, "Convocation du jury")
	contains(t, "text", c.Text, "Bonjour Jeanne Dupont,", "membre du jury", "déclarez tout lien", "du lundi 15 juin 2026 au mardi 16 juin 2026")
}

func TestSessionChanges(t *testing.T) {
	t.Parallel()
	later := session
	later.StartDate, later.EndDate, later.Site = "2026-09-14", "2026-09-15", "AFPA Créteil"
	c := notice.SessionChange(notice.Change{Kind: notice.ChangePostponed, Session: later, Reason: "plateau technique indisponible"},
		session, title, camille, false)
	contains(t, "postponed", c.Subject, "Report")
	contains(t, "postponed", c.Text, "prévue du lundi 15 juin 2026 au mardi 16 juin 2026, est reportée",
		"du lundi 14 septembre 2026 au mardi 15 septembre 2026", "Motif : plateau technique indisponible", "inscription est maintenue")

	c = notice.SessionChange(notice.Change{Kind: notice.ChangeUpdated, Session: later}, session, title, camille, true)
	contains(t, "updated", c.Subject, "Modification")
	contains(t, "updated", c.Text, "dont vous êtes membre du jury", "dates : du lundi 14 septembre 2026", "(au lieu de du lundi 15 juin 2026", "lieu : AFPA Créteil")
	if strings.Contains(c.Text, "Motif") {
		t.Errorf("no reason, no « Motif »:\n%s", c.Text)
	}

	c = notice.SessionChange(notice.Change{Kind: notice.ChangeCancelled, Session: session, Reason: "trop peu de candidats"}, session, title, camille, false)
	contains(t, "cancelled", c.Subject, "Annulation")
	contains(t, "cancelled", c.Text, "prévue du lundi 15 juin 2026 au mardi 16 juin 2026 est annulée", "Motif : trop peu de candidats", "proposera une autre session")
}

func TestResults(t *testing.T) {
	t.Parallel()
	m := notice.Minutes{SessionID: "sess-1", ContentHash: "abc", JuryDate: "2026-06-16"}
	line := notice.Line{CandidateID: "cand-1", TitleOutcome: notice.TitlePartial, Decisions: []notice.Decision{
		{CCPCode: "CCP1", Outcome: notice.Obtained},
		{CCPCode: "CCP2", Outcome: notice.NotObtained, Motivation: "analyse des risques incomplète"},
	}}
	v := notice.Validation{ValidatedAt: time.Date(2026, 7, 3, 12, 5, 0, 0, time.UTC)}
	c := notice.Results(session, title, m, line, v, camille)
	contains(t, "subject", c.Subject, "Vos résultats", "jury du mardi 16 juin 2026")
	contains(t, "text", c.Text, "validés par le ministère chargé de l'emploi le vendredi 3 juillet 2026 à 14 h 05",
		"CCP1 – Préparer les opérations : obtenu", "CCP2 – Contrôler les risques : non obtenu – motif : analyse des risques incomplète",
		"une partie des CCP")
	line.TitleOutcome = notice.TitleAwarded
	contains(t, "awarded", notice.Results(session, title, m, line, v, camille).Text, "Vous avez obtenu le titre professionnel Technicien supérieur")
}

func TestMessageID(t *testing.T) {
	t.Parallel()
	a := notice.MessageID("ev-1", notice.KindCandidateConvocation, notice.CandidateKey("c1"))
	if a != notice.MessageID("ev-1", notice.KindCandidateConvocation, notice.CandidateKey("c1")) {
		t.Fatal("MessageID is not deterministic")
	}
	for _, other := range []string{
		notice.MessageID("ev-2", notice.KindCandidateConvocation, notice.CandidateKey("c1")),
		notice.MessageID("ev-1", notice.KindCandidateConvocation, notice.CandidateKey("c2")),
		notice.MessageID("ev-1", notice.KindResults, notice.CandidateKey("c1")),
	} {
		if other == a {
			t.Fatalf("two messages share the Message-ID %s", a)
		}
	}
	if !strings.HasSuffix(a, "@"+notice.MessageIDDomain) || len(a) != 40+1+len(notice.MessageIDDomain) {
		t.Fatalf("MessageID = %q", a)
	}
}
