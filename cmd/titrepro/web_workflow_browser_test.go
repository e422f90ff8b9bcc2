package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/titrepro/titrepro/gateway/web/browsertest"
)

// TestWebWorkflowInTheBrowser plays the whole jury workflow in Chromium
// against `titrepro serve`, through the screens only (no REST call, no
// token minted by the test): seven people, each in a browser context of
// their own (own cookies), log in through the development login page.
//
//   - Two candidates create their record, write their Dossier
//     Professionnel (an example per activity type, the sworn statement)
//     and upload a document; each reads the identifier their space shows
//     and gives it to the centre.
//   - The centre plans a session titre, composes its jury of two jurors,
//     registers both candidates by their identifiers, sees their dossiers
//     submitted and opens the session.
//   - The first juror reads a dossier; both jurors score both candidates,
//     the first juror one grid with the keyboard alone (Tab, and the
//     verdict's initial: Dominique's CCP3 not mastered), the others by
//     choosing in the lists; the first juror records the
//     deliberation: every CCP obtained for the first candidate, CCP3 not
//     obtained with a motivation for the second; both jurors sign the
//     minutes.
//   - The DREETS officer validates the minutes and sees the titre and
//     the livret that followed.
//   - The first candidate sees the titre in « Mes résultats et
//     certificats », follows its verification link (« valide »), and an
//     employer without an account opens the same link; the second sees the
//     decision per CCP with the motivation of CCP3, and their livret.
//
// Every screen of the walk is checked once (screenshots at 1280×800 and
// 390×844, axe-core: no serious or critical violation). Waits are bounded
// loops on what the screens say: the services learn each other's facts
// from events, a moment later.
func TestWebWorkflowInTheBrowser(t *testing.T) {
	start, last := time.Now(), time.Now()
	lap := func(what string) { // where the test's time goes
		t.Logf("%-40s %5.1f s", what, time.Since(last).Seconds())
		last = time.Now()
	}
	b := browsertest.Start(t)
	s := startServer(t, testConfig(t, t.TempDir()))
	if !centreDevLogin(t, s.base) {
		t.Skip("the all-in-one serves no development login page yet (no authorization_endpoint in its discovery document)")
	}
	run := randomSuffix()
	centreCode := "CENTRE-69-" + strings.ToUpper(run)
	juror1, juror2 := "jure-alice-"+run, "jure-bruno-"+run

	// The candidates write their dossiers: Camille for the titre,
	// Dominique for the partial success.
	camille := b.NewPerson(t)
	camilleID, ccps := flowCandidateWrites(t, camille, s.base, "camille-"+run, flowPerson{
		BirthName: "Durand", GivenNames: "Camille", Email: "camille.durand@example.org", File: "procédure sauvegarde.pdf",
	}, true)
	dominique := b.NewPerson(t)
	dominiqueID, _ := flowCandidateWrites(t, dominique, s.base, "dominique-"+run, flowPerson{
		BirthName: "Bernard", GivenNames: "Dominique", Email: "dominique.bernard@example.org", File: "schéma réseau.pdf",
	}, false)
	if len(ccps) < 2 || ccps[len(ccps)-1] != "CCP3" {
		t.Fatalf("the dossier lists the activity types %v; the test expects CCP1 to CCP3", ccps)
	}
	lap("candidates write their dossiers")

	// The DREETS has approved the centre and habilitated the jurors, who
	// accepted the charte (R8, R16, R23).
	browserRegisters(t, s, centreCode, flowTitle, [][2]string{{juror1, "Alice Martin"}, {juror2, "Bruno Petit"}})

	// The centre plans the session, composes the jury and registers the
	// candidates with the identifiers they gave.
	centre := b.NewPerson(t)
	if status := centre.Login(s.base, "centre", "agent-centre-"+run, centreCode, "/centre/sessions"); status != http.StatusOK {
		t.Fatalf("centre login landed on %s (%d)", centre.URL(), status)
	}
	centre.Check("centre-sessions")
	centre.Follow("Planifier une session")
	centre.Check("centre-planifier-titre")
	centre.Follow("Continuer")
	centreMustSee(t, centre, "Étape 2 sur 2", flowTitle)
	today := time.Now()
	centre.Choose("Session titre")
	centre.Fill("Site de la plateforme technique", "AFPA Lyon Vénissieux")
	centreSetDate(centre, "debut", today)
	centreSetDate(centre, "fin", today) // the jury meets and signs today
	centre.Check("centre-planifier-session")
	if status := centre.Follow("Planifier la session"); status != http.StatusOK {
		t.Fatalf("planning: %d at %s: %s", status, centre.URL(), centre.MainText())
	}
	sessionURL := strings.TrimSuffix(centre.URL(), "?planifiee=1")
	sessionID := sessionURL[strings.LastIndex(sessionURL, "/")+1:]
	centre.Check("centre-session-planifiee")
	centre.Follow("Jury")
	for _, name := range []string{"Alice Martin", "Bruno Petit"} {
		centreChooseJuror(centre, name)
		centreAddJurorInTheBrowser(t, centre, "Le juré a été ajouté au jury.")
		centreMustSee(t, centre, name)
	}
	centre.Check("centre-jury")
	centre.Follow("Candidatures et dossiers")
	for _, id := range []string{camilleID, dominiqueID} {
		centre.Choose("Une personne enregistrée elle-même, par son identifiant")
		centre.Fill("Identifiant communiqué par le candidat", id)
		centreRegisterInTheBrowser(t, centre, "")
	}
	centreMustSee(t, centre, "Dossiers professionnels déposés : 0 sur 2")
	centre.Check("centre-candidatures-inscrits")
	// Both train for the title: the centre records their ECF results (R30),
	// which the deliberation needs (R49).
	flowRecordECF(t, centre, 2)
	lap("centre plans, composes, registers")

	// Each candidate sees the session and submits their dossier for it.
	flowCandidateSubmits(t, camille, true)
	flowCandidateSubmits(t, dominique, false)
	lap("candidates submit")

	// The centre sees both dossiers, then opens the session.
	flowReloadUntil(t, centre, sessionURL+"/candidatures", "Dossiers professionnels déposés : 2 sur 2")
	centre.Check("centre-candidatures-deposes")
	centre.Follow("La session")
	centreMustSee(t, centre, "Le jury compte 2 membres habilités.", "2 candidats inscrits.")
	centre.Follow("Ouvrir la session")
	centreMustSee(t, centre, "La session est ouverte")
	centre.Check("centre-session-ouverte")
	lap("centre opens")

	// The jurors: the first reads Camille's dossier; both score both
	// candidates (Dominique's CCP3 not mastered).
	alice := b.NewPerson(t)
	if status := alice.Login(s.base, "juror", juror1, "", "/jury"); status != http.StatusOK {
		t.Fatalf("juror login landed on %s (%d)", alice.URL(), status)
	}
	alice.Check("jury-mes-sessions")
	flowFollowHref(t, alice, "/jury/sessions/"+sessionID)
	centreMustSee(t, alice, "Durand", "Bernard")
	alice.Check("jury-session")
	flowFollowInRow(t, alice, "Durand", "Dossier")
	centreMustSee(t, alice, "procédure sauvegarde.pdf", "Supervision du parc (CCP1)")
	alice.Check("jury-dossier")
	bruno := b.NewPerson(t)
	if status := bruno.Login(s.base, "juror", juror2, "", "/jury/sessions/"+sessionID); status != http.StatusOK {
		t.Fatalf("juror login landed on %s (%d)", bruno.URL(), status)
	}
	for _, j := range []*browsertest.Tab{alice, bruno} {
		for _, c := range []struct{ name, notMastered string }{{"Durand", ""}, {"Bernard", "CCP3"}} {
			j.Open(flowJurySession(s.base, sessionID))
			flowFollowInRow(t, j, c.name, "Grille")
			if j != alice || c.notMastered == "" {
				flowGridByPicking(t, j, c.notMastered)
				if status := j.Follow("Enregistrer la grille"); status != http.StatusOK || !strings.Contains(j.MainText(), "Grille enregistrée") {
					t.Fatalf("saving the grid: %d at %s: %s", status, j.URL(), j.MainText())
				}
				continue
			}
			// One grid with the keyboard alone, up to the save button,
			// pressed with Enter.
			flowGridByKeyboard(t, j, c.notMastered)
			j.Check("jury-grille-complete")
			if status := j.PressAndFollow(browsertest.KeyEnter); status != http.StatusOK || !strings.Contains(j.MainText(), "Grille enregistrée") {
				t.Fatalf("Enter on the save button: %d at %s: %s", status, j.URL(), j.MainText())
			}
		}
	}
	alice.Check("jury-grille-enregistree")
	lap("jurors read and score")

	// The first juror records the jury's decisions.
	alice.Open(flowJurySession(s.base, sessionID))
	flowFollowInRow(t, alice, "Durand", "Délibération")
	alice.Check("jury-deliberation")
	for _, c := range ccps {
		alice.ClickCSS("#resultat-" + c + "-obtenu")
	}
	if status := alice.Follow("Enregistrer la décision du jury"); status != http.StatusOK || !strings.Contains(alice.MainText(), "Décision enregistrée") {
		t.Fatalf("deliberation on Camille: %d: %s", status, alice.MainText())
	}
	alice.Open(flowJurySession(s.base, sessionID))
	flowFollowInRow(t, alice, "Bernard", "Délibération")
	for _, c := range ccps {
		if c == "CCP3" {
			alice.ClickCSS("#resultat-" + c + "-non-obtenu")
			alice.Fill("Motivation de la décision sur "+c, flowMotivation)
		} else {
			alice.ClickCSS("#resultat-" + c + "-obtenu")
		}
	}
	if status := alice.Follow("Enregistrer la décision du jury"); status != http.StatusOK || !strings.Contains(alice.MainText(), "Décision enregistrée") {
		t.Fatalf("deliberation on Dominique: %d: %s", status, alice.MainText())
	}
	alice.Check("jury-deliberation-enregistree")
	lap("jury deliberates")

	// Both jurors sign the minutes.
	for i, j := range []*browsertest.Tab{alice, bruno} {
		j.Open(flowJurySession(s.base, sessionID))
		j.Follow("Relire et signer le procès-verbal")
		centreMustSee(t, j, flowMotivation)
		if i == 0 {
			j.Check("jury-proces-verbal")
		}
		j.Choose("J’ai relu le procès-verbal et j’en approuve les décisions")
		if status := j.Follow("Signer le procès-verbal"); status != http.StatusOK || !strings.Contains(j.MainText(), "Vous avez signé ce procès-verbal") {
			t.Fatalf("signature %d: %d: %s", i+1, status, j.MainText())
		}
	}
	bruno.Check("jury-proces-verbal-signe")
	lap("jurors sign")

	// The DREETS officer validates the minutes once they reach the
	// certification authority.
	officer := b.NewPerson(t)
	if status := officer.Login(s.base, "ministry", "agent-dreets-"+run, "", "/dreets/a-valider"); status != http.StatusOK {
		t.Fatalf("officer login landed on %s (%d)", officer.URL(), status)
	}
	resultPath := "/dreets/resultats/" + sessionID
	flowReloadUntilHas(t, officer, s.base+"/dreets/a-valider", `a[href="`+resultPath+`"]`)
	officer.Check("dreets-a-valider")
	flowFollowHref(t, officer, resultPath)
	centreMustSee(t, officer, flowMotivation)
	officer.Check("dreets-proces-verbal")
	officer.Choose("J’ai examiné ce procès-verbal")
	if status := officer.Follow("Valider le procès-verbal"); status != http.StatusOK || !strings.HasSuffix(officer.URL(), "?valide=1") {
		t.Fatalf("validation: %d at %s: %s", status, officer.URL(), officer.MainText())
	}
	centreMustSee(t, officer, "Procès-verbal validé", "Titre professionnel", "Livret de certification")
	officer.Check("dreets-valide")
	lap("DREETS validates")

	// Camille: the titre, and its public verification page from the link
	// of « Mes résultats », then by an employer without an account.
	number, link := flowCandidateResult(t, camille, s.base, "Titre professionnel")
	if !strings.Contains(camille.MainText(), "Titre obtenu") {
		t.Errorf("Camille's results lack the outcome « Titre obtenu »: %s", camille.MainText())
	}
	for _, c := range ccps {
		if got, why := flowDecisionOf(camille, c); got != "obtenu" || why != "—" {
			t.Errorf("Camille's decision on %s reads %q (motivation %q); want obtenu", c, got, why)
		}
	}
	camille.Check("candidat-resultats-titre")
	flowVerify(t, camille, link, number, "Titre professionnel")
	camille.Check("candidat-verification-titre")
	employer := b.NewPerson(t)
	if status := employer.Open(link); status != http.StatusOK {
		t.Fatalf("the employer opens %s: %d", link, status)
	}
	if !employer.Has(`[data-verdict="valide"]`) || !strings.Contains(employer.MainText(), number) {
		t.Errorf("the employer's verification of %s: %s", number, employer.MainText())
	}
	employer.Check("employeur-verification")
	lap("titre seen and verified")

	// Dominique: the decision per CCP with the motivation, the livret.
	number, link = flowCandidateResult(t, dominique, s.base, "Livret de certification")
	text := strings.ToLower(dominique.MainText()) // badges are in capitals
	for _, want := range []string{"réussite partielle", "non obtenu", strings.ToLower(flowMotivation)} {
		if !strings.Contains(text, want) {
			t.Errorf("Dominique's results lack %q: %s", want, dominique.MainText())
		}
	}
	for _, c := range ccps {
		want, because := "obtenu", "—"
		if c == "CCP3" {
			want, because = "non obtenu", flowMotivation
		}
		if got, why := flowDecisionOf(dominique, c); got != want || why != because {
			t.Errorf("Dominique's decision on %s reads %q, motivation %q; want %q, %q", c, got, why, want, because)
		}
	}
	// On a laptop, the decisions and the motivation show without
	// scrolling the table sideways (a phone scrolls it, as the design
	// system's tables do).
	flowNoSidewaysScroll(t, dominique, browsertest.Viewports[0], "#decisions ~ section .fr-table__container")
	dominique.Check("candidat-resultats-livret")
	flowVerify(t, dominique, link, number, "Livret de certification")
	dominique.Check("candidat-verification-livret")
	lap("livret seen and verified")
	t.Logf("the whole workflow through the screens: %s", time.Since(start).Round(time.Second))
}

// flowTitle is the catalogue's title the session is for (the only one of
// the development catalogue).
const flowTitle = "TP-00495"

// flowMotivation is the jury's motivation of Dominique's CCP3.
const flowMotivation = "Les compétences de CCP3 n’ont pas été démontrées lors de la mise en situation."

// flowPerson is what a candidate types about themselves.
type flowPerson struct {
	BirthName, GivenNames, Email string
	File                         string // the name of the document they upload
}

// flowJurySession is the juror's page of the session.
func flowJurySession(base, sessionID string) string { return base + "/jury/sessions/" + sessionID }

// flowCandidateWrites logs a candidate in as subject, creates their record,
// writes their Dossier Professionnel (one example per activity type, the
// sworn statement) and uploads a PDF; it returns the identifier their
// space shows (what they give the centre) and the activity types of the
// title. check: screenshot and axe each screen (the first candidate).
func flowCandidateWrites(t *testing.T, tab *browsertest.Tab, base, subject string, p flowPerson, check bool) (string, []string) {
	t.Helper()
	checkAs := func(name string) {
		if check {
			tab.Check(name)
		}
	}
	if check {
		// The development login page, where every person of the walk starts.
		tab.Open(base + "/connexion?retour=%2Fcandidat")
		checkAs("connexion-developpement")
	}
	if status := tab.Login(base, "candidate", subject, "", "/candidat"); status != http.StatusOK {
		t.Fatalf("candidate login landed on %s (%d)", tab.URL(), status)
	}
	checkAs("candidat-espace-nouveau")
	tab.Follow("Créer ma fiche candidat")
	tab.Fill("Nom de naissance", p.BirthName)
	tab.Fill("Prénoms", p.GivenNames)
	setValue(tab, "date-naissance", "1994-03-12")
	tab.Fill("Commune de naissance", "Lyon")
	tab.Fill("Pays de naissance", "FR")
	tab.Fill("Adresse électronique", p.Email)
	tab.Fill("Adresse — ligne 1", "12 rue des Lilas")
	tab.Fill("Code postal", "69003")
	tab.Fill("Commune", "Lyon")
	tab.Choose("Formation professionnelle continue")
	tab.Fill("Organisme de formation", "AFPA Lyon")
	tab.Fill("Titre préparé", "TP-00495")
	checkAs("candidat-fiche")
	if status := tab.Follow("Créer ma fiche"); status != http.StatusOK || !strings.Contains(tab.MainText(), "Votre fiche candidat est créée") {
		t.Fatalf("record: %d at %s: %s", status, tab.URL(), tab.MainText())
	}
	id := strings.TrimSpace(tab.String(`document.getElementById("identifiant-candidat").textContent`))
	if id == "" {
		t.Fatalf("the space does not show the candidate's identifier: %s", tab.MainText())
	}
	checkAs("candidat-espace")

	// The dossier (the portfolio service learns the record from an event:
	// the first try may be answered "in a moment").
	tab.Follow("Commencer mon dossier")
	checkAs("candidat-dossier-creation")
	deadline := time.Now().Add(20 * time.Second)
	for {
		status := tab.Follow("Commencer le dossier")
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dossier creation: %d: %s", status, tab.MainText())
		}
		time.Sleep(200 * time.Millisecond)
	}
	dossierURL, _, _ := strings.Cut(tab.URL(), "?")
	var ccps []string
	tab.Eval(`Array.from(document.querySelectorAll("section h3[id^=activite-]")).map(h => h.id.slice("activite-".length))`, &ccps)
	checkAs("candidat-dossier")
	for _, ccp := range ccps {
		tab.Follow("Ajouter un exemple pour " + ccp)
		tab.Fill("Intitulé de l’exemple", "Supervision du parc ("+ccp+")")
		tab.Fill("Les tâches ou opérations que vous avez effectuées, et dans quelles conditions", "Supervision des serveurs, alertes traitées.")
		tab.Fill("Les moyens que vous avez utilisés", "Zabbix, Windows Server.")
		tab.Fill("Les personnes avec qui vous avez travaillé", "Le DSI.")
		tab.Fill("Nom de l’entreprise, de l’organisme ou de l’association", "Transports Rhône SA")
		tab.Fill("Chantier, atelier ou service", "Service informatique")
		setValue(tab, "periode-debut", "2025-01-06")
		setValue(tab, "periode-fin", "2025-06-27")
		if ccp == ccps[0] {
			checkAs("candidat-exemple")
		}
		if status := tab.Follow("Enregistrer l’exemple"); status != http.StatusOK || !strings.Contains(tab.MainText(), "L’exemple est enregistré") {
			t.Fatalf("example %s: %d: %s", ccp, status, tab.MainText())
		}
	}
	tab.Follow("Compléter la déclaration")
	tab.Fill("Je soussigné(e)", p.GivenNames+" "+p.BirthName)
	tab.Fill("Fait à", "Lyon")
	checkAs("candidat-declaration")
	if status := tab.Follow("Enregistrer la déclaration"); status != http.StatusOK {
		t.Fatalf("sworn statement: %d: %s", status, tab.MainText())
	}

	// A document, sent with the page's progress script.
	tab.Follow("Gérer les documents")
	pdf := filepath.Join(t.TempDir(), p.File)
	writeFile(t, pdf, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"))
	upload(t, tab, pdf)
	if status := tab.Follow("Ajouter le document"); status != http.StatusOK || !strings.Contains(tab.MainText(), "Le document est ajouté au dossier") {
		t.Fatalf("upload: %d: %s", status, tab.MainText())
	}
	centreMustSee(t, tab, p.File)
	checkAs("candidat-documents")
	tab.Open(dossierURL)
	centreMustSee(t, tab, "Signée par "+p.GivenNames+" "+p.BirthName, "1 document joint")
	return id, ccps
}

// flowCandidateSubmits submits the candidate's dossier for the session
// they are registered to, from their space; the portfolio service learns
// the session and the candidacy from events, so the first tries may be
// refused for a moment.
func flowCandidateSubmits(t *testing.T, tab *browsertest.Tab, check bool) {
	t.Helper()
	tab.Follow("Mon espace candidat")
	tab.Follow("Continuer mon dossier")
	tab.Follow("Vérifier et déposer mon dossier")
	if check {
		tab.Check("candidat-depot")
	}
	submitURL := tab.URL()
	deadline := time.Now().Add(20 * time.Second)
	for {
		status := tab.Follow("Vérifier et déposer le dossier")
		if status == http.StatusOK && strings.Contains(tab.MainText(), "Votre dossier a bien été déposé") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("submission: %d: %s", status, tab.MainText())
		}
		time.Sleep(200 * time.Millisecond)
		tab.Open(submitURL)
	}
	if check {
		tab.Check("candidat-depot-recu")
		tab.Follow("Voir mes sessions")
		centreMustSee(t, tab, "AFPA Lyon Vénissieux")
		tab.Check("candidat-sessions")
	}
}

// flowCandidateResult opens the candidate's results from their space until
// the certificate kind shows (issued after the validation, from an event),
// and returns its number and the public verification link shown.
func flowCandidateResult(t *testing.T, tab *browsertest.Tab, base, kind string) (number, link string) {
	t.Helper()
	tab.Open(base + "/candidat")
	tab.Follow("Voir mes résultats")
	resultsURL := tab.URL()
	deadline := time.Now().Add(20 * time.Second)
	for !tab.Has(".fr-card") {
		if time.Now().After(deadline) {
			t.Fatalf("no certificate on the results page: %s", tab.MainText())
		}
		time.Sleep(200 * time.Millisecond)
		tab.Open(resultsURL)
	}
	if got := tab.String(`document.querySelector(".fr-card .fr-card__title").textContent`); !strings.HasPrefix(got, kind) {
		t.Fatalf("the certificate is a %q; want a %q", got, kind)
	}
	number = tab.String(`document.querySelector(".fr-card dd strong").textContent`)
	link = tab.String(`document.querySelector(".fr-card a[href^='/verifier/']").textContent`)
	if !strings.HasSuffix(link, "/verifier/"+number) {
		t.Errorf("the verification link reads %q; want one to /verifier/%s", link, number)
	}
	return number, link
}

// flowVerify follows the results page's verification link, whose text is
// its address, and checks the verdict.
func flowVerify(t *testing.T, tab *browsertest.Tab, link, number, kind string) {
	t.Helper()
	if status := tab.Follow(link); status != http.StatusOK {
		t.Fatalf("verification link: %d", status)
	}
	if !tab.Has(`[data-verdict="valide"]`) || !strings.Contains(tab.MainText(), number) || !strings.Contains(tab.MainText(), kind) {
		t.Errorf("verification of %s: %s", number, tab.MainText())
	}
}

// flowDecisionOf reads the decision on ccp (in lower case) and its
// motivation in the results page's table.
func flowDecisionOf(tab *browsertest.Tab, ccp string) (decision, motivation string) {
	var cells []string
	tab.Eval(fmt.Sprintf(`(() => {
  const row = Array.from(document.querySelectorAll("#decisions ~ section tbody tr")).find(r => r.querySelector("th").textContent.startsWith(%q + " "));
  return row ? Array.from(row.querySelectorAll("td")).map(td => td.textContent.trim()) : [];
})()`, ccp), &cells)
	if len(cells) != 2 {
		return "", ""
	}
	return strings.ToLower(cells[0]), cells[1]
}

// flowGridByKeyboard completes the juror's grid with the keyboard alone:
// Tab to the first list, then on each competence's list at the mise en
// situation the verdict's initial (m: Maîtrisée, n: Non maîtrisée for the
// competences of notMastered), Tab over the other lists and the
// observations, up to the save button, which keeps the focus. Every
// focused control must show its focus ring.
func flowGridByKeyboard(t *testing.T, tab *browsertest.Tab, notMastered string) {
	t.Helper()
	const atTheMise = "-MISE_EN_SITUATION_PROFESSIONNELLE"
	tabTo(t, tab, tab.String(`document.querySelector("select[id^=verdict-]").id`), 80)
	chosen, atTheFinal := 0, false
	for range 400 {
		f := tab.Focused()
		if f.Text == "Enregistrer la grille" {
			break
		}
		if !f.Outline {
			t.Fatalf("%+v has the focus without a focus ring", f)
		}
		if strings.HasPrefix(f.ID, "verdict-") && (strings.HasSuffix(f.ID, atTheMise) || !atTheFinal && strings.HasSuffix(f.ID, "-ENTRETIEN_FINAL")) {
			atTheFinal = atTheFinal || strings.HasSuffix(f.ID, "-ENTRETIEN_FINAL") // one verdict at the entretien final (R43)
			key := "m"
			if notMastered != "" && strings.HasPrefix(f.ID, "verdict-"+notMastered+"-") {
				key = "n"
			}
			tab.Press(key)
			chosen++
		}
		if notMastered != "" && f.ID == "observation-"+notMastered+"-C1" {
			tab.Press("Évaluation des ressources non démontrée.")
		}
		tab.Press(browsertest.KeyTab)
	}
	if f := tab.Focused(); f.Text != "Enregistrer la grille" || !f.Outline {
		t.Fatalf("the focus is on %+v; want the save button after the grid", f)
	}
	if chosen == 0 {
		t.Fatal("no verdict list at the mise en situation was reached")
	}
	waitText(t, tab, "grille-etat", "Grille complète")
}

// flowGridByPicking chooses, in each competence's list at the mise en
// situation, « Maîtrisée » (« Non maîtrisée » for the competences of
// notMastered), as a pointer would: each choice fires the list's change
// event, which the autosave script sends. It waits for the script to say
// the grid is complete.
// flowRecordECF records, on the centre's candidacies page, an ECF result
// obtained for every CCP of the first n candidacies, one form at a time.
func flowRecordECF(t *testing.T, tab *browsertest.Tab, n int) {
	t.Helper()
	for i := range n {
		var button string
		tab.Eval(fmt.Sprintf(`(() => {
  const f = document.querySelectorAll("form[id^=ecf-]")[%d];
  if (!f) return "";
  for (const s of f.querySelectorAll("select")) { s.value = "obtenu"; s.dispatchEvent(new Event("change", {bubbles: true})); }
  f.querySelector("input[type=date]").value = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  return f.querySelector("button[type=submit]").textContent.trim();
})()`, i), &button)
		if button == "" {
			t.Fatalf("no ECF form %d on %s", i, tab.URL())
		}
		if status := tab.Follow(button); status != http.StatusOK || !strings.Contains(tab.MainText(), "Les résultats des évaluations en cours de formation (ECF) sont enregistrés.") {
			t.Fatalf("recording the ECF: %d at %s: %s", status, tab.URL(), tab.MainText())
		}
	}
}

func flowGridByPicking(t *testing.T, tab *browsertest.Tab, notMastered string) {
	t.Helper()
	var chosen int
	tab.Eval(fmt.Sprintf(`(() => {
  let n = 0;
  const final = document.querySelector("select[id^=verdict-][id$=-ENTRETIEN_FINAL]"); // one verdict at the entretien final (R43)
  for (const s of [...document.querySelectorAll("select[id^=verdict-][id$=-MISE_EN_SITUATION_PROFESSIONNELLE]"), ...(final ? [final] : [])]) {
    const want = %q !== "" && s.id.startsWith("verdict-" + %q + "-") ? "Non maîtrisée" : "Maîtrisée";
    const o = Array.from(s.options).find(o => o.textContent.trim() === want);
    if (!o) continue;
    s.value = o.value;
    s.dispatchEvent(new Event("input", {bubbles: true}));
    s.dispatchEvent(new Event("change", {bubbles: true}));
    n++;
  }
  return n;
})()`, notMastered, notMastered), &chosen)
	if chosen == 0 {
		t.Fatalf("no verdict list at the mise en situation on %s", tab.URL())
	}
	waitText(t, tab, "grille-etat", "Grille complète")
}

// flowNoSidewaysScroll checks, at the viewport v, that every element
// matching selector (a table's scrolling region) shows all its content
// without scrolling sideways.
func flowNoSidewaysScroll(t *testing.T, tab *browsertest.Tab, v browsertest.Viewport, selector string) {
	t.Helper()
	resize := func(v browsertest.Viewport) {
		ctx, cancel := context.WithTimeout(tab.Context(), 10*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(v.Width, v.Height)); err != nil {
			t.Fatal(err)
		}
	}
	resize(v)
	defer resize(browsertest.Viewports[0])
	var overflowing []string
	tab.Eval(fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText.slice(0, 60))`, selector), &overflowing)
	if !tab.Has(selector) {
		t.Errorf("nothing matches %s on %s", selector, tab.URL())
	}
	for _, o := range overflowing {
		t.Errorf("at %s, %s scrolls sideways: %q…", v, selector, o)
	}
}

// flowFollowHref follows the page's visible link to path, by its text.
func flowFollowHref(t *testing.T, tab *browsertest.Tab, path string) {
	t.Helper()
	text := tab.String(fmt.Sprintf(`(Array.from(document.querySelectorAll("main a[href]")).find(a => a.getAttribute("href") === %q && a.getClientRects().length) || {innerText: ""}).innerText.replace(/\s+/g, " ").trim()`, path))
	if text == "" {
		t.Fatalf("no link to %s on %s: %s", path, tab.URL(), tab.MainText())
	}
	if status := tab.Follow(text); status != http.StatusOK {
		t.Fatalf("the link %q led to %s (%d)", text, tab.URL(), status)
	}
}

// flowFollowInRow follows, in the table row that mentions who, the link
// whose text starts with action (its hidden rest names the person).
func flowFollowInRow(t *testing.T, tab *browsertest.Tab, who, action string) {
	t.Helper()
	text := tab.String(fmt.Sprintf(`(() => {
  const row = Array.from(document.querySelectorAll("main tbody tr")).find(r => r.textContent.includes(%q));
  const a = row && Array.from(row.querySelectorAll("a[href]")).find(a => a.innerText.trim().startsWith(%q));
  return a ? a.innerText.replace(/\s+/g, " ").trim() : "";
})()`, who, action))
	if text == "" {
		t.Fatalf("no %q link in the row of %s on %s: %s", action, who, tab.URL(), tab.MainText())
	}
	if status := tab.Follow(text); status != http.StatusOK {
		t.Fatalf("the link %q led to %s (%d)", text, tab.URL(), status)
	}
}

// flowReloadUntil reloads url until its main content says want.
func flowReloadUntil(t *testing.T, tab *browsertest.Tab, url, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for tab.Open(url); !strings.Contains(tab.MainText(), want); tab.Open(url) {
		if time.Now().After(deadline) {
			t.Fatalf("%s does not say %q: %s", url, want, tab.MainText())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// flowReloadUntilHas reloads url until an element matches selector.
func flowReloadUntilHas(t *testing.T, tab *browsertest.Tab, url, selector string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for tab.Open(url); !tab.Has(selector); tab.Open(url) {
		if time.Now().After(deadline) {
			t.Fatalf("%s has no %s: %s", url, selector, tab.MainText())
		}
		time.Sleep(200 * time.Millisecond)
	}
}
