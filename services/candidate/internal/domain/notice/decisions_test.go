package notice_test

import (
	"strings"
	"testing"

	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
)

// checkMessage checks a message against the sentences it must and must not
// hold, in its text and (escaped) in its HTML alternative.
func checkMessage(t *testing.T, c notice.Content, subject string, want, not []string) {
	t.Helper()
	if c.Subject != subject {
		t.Errorf("subject = %q; want %q", c.Subject, subject)
	}
	for _, w := range want {
		if !strings.Contains(c.Text, w) {
			t.Errorf("text without %q:\n%s", w, c.Text)
		}
	}
	for _, n := range not {
		if strings.Contains(c.Text, n) || strings.Contains(c.HTML, n) {
			t.Errorf("message with %q:\n%s", n, c.Text)
		}
	}
	if strings.Contains(c.Text, "\n\n\n") || strings.Contains(c.Text, "<no value>") {
		t.Errorf("badly rendered:\n%s", c.Text)
	}
	if !strings.Contains(c.HTML, "<html lang=\"fr\">") {
		t.Errorf("no HTML alternative: %s", c.HTML)
	}
}

const appealRights = "recours gracieux auprès de son auteur, par un recours hiérarchique auprès de l'autorité supérieure, " +
	"ou par un recours contentieux devant le tribunal administratif compétent, dans un délai de deux mois à compter de la " +
	"notification de la décision, sauf mention contraire de la décision."

func TestR59_CertificateWithdrawnMessage(t *testing.T) {
	t.Parallel()
	w := notice.Withdrawal{CertificateNumber: "TP26-0000042-K", TitleID: "TP-00495", TitleVersion: "2008",
		TitleLabel: "Technicien supérieur de gestion des risques", Reference: "Arrêté DREETS-ARA 2026-042", DecidedOn: "2026-07-03"}
	livret := w
	livret.Livret, livret.TitleLabel, livret.WithdrawnCCPs = true, "", []string{"CCP2"}
	for _, tc := range []struct {
		name    string
		w       notice.Withdrawal
		p       notice.Person
		subject string
		want    []string
		not     []string
	}{
		{"titre", w, camille, "Retrait de votre titre professionnel Technicien supérieur de gestion des risques",
			[]string{"Bonjour Camille Martin,",
				"Par décision de l'autorité administrative du vendredi 3 juillet 2026, référence Arrêté DREETS-ARA 2026-042, " +
					"votre titre professionnel Technicien supérieur de gestion des risques (TP-00495, version 2008), n° TP26-0000042-K, vous est retiré.",
				"n'est plus vérifié comme valide",
				"Les motifs de ce retrait sont exposés dans la décision elle-même",
				appealRights, "Référence de la décision : Arrêté DREETS-ARA 2026-042", "adressez-vous à l'autorité administrative"},
			[]string{"CCP", "centre organisateur", "Motif :"}},
		{"livret with a CCP withdrawn, title unknown, no name", livret, notice.Person{Email: "x@example.org"},
			"Retrait de votre livret de certification – titre professionnel TP-00495",
			[]string{"Bonjour Madame, Monsieur,", "votre livret de certification du titre professionnel TP-00495, version 2008, n° TP26-0000042-K, vous est retiré.",
				"retire également de votre parcours les certificats de compétences professionnelles (CCP) suivants :\n  - CCP2\n", appealRights},
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkMessage(t, notice.CertificateWithdrawn(tc.w, tc.p), tc.subject, tc.want, tc.not)
		})
	}
}

func TestR60_AppealDecidedMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		a       notice.AppealDecision
		subject string
		want    []string
		not     []string
	}{
		{"withdrawal reformed: the certificate in force again",
			notice.AppealDecision{Kind: notice.AppealGracieux, Decision: "withdrawals/w-1", Outcome: notice.AppealReformed,
				DecidedOn: "2026-09-01", RestoredCertificates: []string{"TP26-0000042-K"}, RestoredCCPs: []string{"CCP2"}},
			"Décision sur votre recours – décision réformée",
			[]string{"Le recours gracieux formé contre la décision de retrait de votre certification a été examiné. Par décision du mardi 1er septembre 2026 :",
				"La décision contestée est réformée.", "Votre certificat n° TP26-0000042-K est de nouveau en vigueur",
				"figurent de nouveau dans votre parcours :\n  - CCP2\n", "Les motifs de cette décision sont exposés dans la décision elle-même",
				"Référence de la décision contestée : withdrawals/w-1"},
			[]string{"maintenue", "irrecevable", "procès-verbal"}},
		{"withdrawal upheld",
			notice.AppealDecision{Kind: notice.AppealHierarchique, Decision: "withdrawals/w-1", Outcome: notice.AppealUpheld, DecidedOn: "2026-09-01"},
			"Décision sur votre recours – décision maintenue",
			[]string{"Le recours hiérarchique formé contre la décision de retrait", "La décision contestée est maintenue : elle reste en vigueur."},
			[]string{"réformée", "de nouveau en vigueur", "irrecevable"}},
		{"result reformed: corrected minutes to come",
			notice.AppealDecision{Kind: notice.AppealContentieux, Decision: "results/sess-1/candidates/c-1", Outcome: notice.AppealReformed, DecidedOn: "2026-09-01"},
			"Décision sur votre recours – décision réformée",
			[]string{"Le recours contentieux formé contre les résultats qui vous ont été attribués à la session sess-1",
				"Vos résultats rectifiés vous seront communiqués après la validation du procès-verbal corrigé."},
			[]string{"de nouveau en vigueur"}},
		{"not receivable",
			notice.AppealDecision{Kind: notice.AppealGracieux, Decision: "certificates/TP26-0000042-K", Outcome: notice.AppealDismissed, DecidedOn: "2026-09-01"},
			"Décision sur votre recours – recours irrecevable",
			[]string{"contre la décision relative à votre certificat n° TP26-0000042-K",
				"Le recours est rejeté comme irrecevable : la décision contestée reste en vigueur."},
			[]string{"réformée", "maintenue"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkMessage(t, notice.AppealDecided(tc.a, camille), tc.subject, tc.want, tc.not)
		})
	}
}

func TestR58_SanctionMessage(t *testing.T) {
	t.Parallel()
	const motivation = "Usage d'un document non autorisé pendant la mise en situation professionnelle."
	for _, tc := range []struct {
		name    string
		s       notice.Sanction
		subject string
		want    []string
		not     []string
	}{
		{"ban: the last day is the day before EndsOn",
			notice.Sanction{Kind: notice.SanctionBan, DurationMonths: 6, NotifiedOn: "2026-07-03", EndsOn: "2027-01-03",
				Reference: "FR-2026-0007", Motivation: motivation},
			"Sanction – interdiction d'inscription jusqu'au samedi 2 janvier 2027 inclus",
			[]string{"Par décision qui vous a été notifiée le vendredi 3 juillet 2026, référence FR-2026-0007,",
				"pendant 6 mois, du vendredi 3 juillet 2026 au samedi 2 janvier 2027 inclus. Vous pourrez de nouveau être inscrit·e à une session à compter du dimanche 3 janvier 2027.",
				"Motifs de la décision, tels qu'ils figurent dans la décision qui vous a été notifiée :\n" + motivation,
				appealRights, "Référence de la décision : FR-2026-0007"},
			[]string{"Exclusion"}},
		{"a ban ending on the 1st of a month",
			notice.Sanction{Kind: notice.SanctionBan, DurationMonths: 12, NotifiedOn: "2026-03-01", EndsOn: "2027-03-01",
				Reference: "R", Motivation: motivation},
			"Sanction – interdiction d'inscription jusqu'au dimanche 28 février 2027 inclus",
			[]string{"du dimanche 1er mars 2026 au dimanche 28 février 2027 inclus"}, nil},
		{"exclusion from a session",
			notice.Sanction{Kind: notice.SanctionExclusion, NotifiedOn: "2026-07-03", Reference: "FR-2026-0008", Motivation: motivation, SessionID: "sess-1"},
			"Sanction – exclusion de la session de validation",
			[]string{"Exclusion de la session de validation sess-1.", motivation, appealRights},
			[]string{"interdiction", "inclus", " mois, du "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkMessage(t, notice.SanctionPronounced(tc.s, camille), tc.subject, tc.want, tc.not)
		})
	}
	if got := (notice.Sanction{EndsOn: "2027-01-01"}).LastDay(); got != "2026-12-31" {
		t.Errorf("LastDay = %q", got)
	}
}

// TestDecisionMessagesEscapeHTML: an officer's text reaches the HTML
// alternative escaped.
func TestDecisionMessagesEscapeHTML(t *testing.T) {
	t.Parallel()
	c := notice.SanctionPronounced(notice.Sanction{Kind: notice.SanctionExclusion, NotifiedOn: "2026-07-03",
		Reference: "<b>R</b>", Motivation: "<script>x</script>"}, camille)
	if strings.Contains(c.HTML, "<script>") || strings.Contains(c.HTML, "<b>R") || !strings.Contains(c.HTML, "&lt;script&gt;") {
		t.Errorf("HTML = %s", c.HTML)
	}
}
