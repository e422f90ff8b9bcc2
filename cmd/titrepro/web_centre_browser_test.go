package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/gateway/web/browsertest"
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// TestWebCentreInTheBrowser walks the exam centre's screens in Chromium
// against `titrepro serve`, logged in through the development login page:
// plan a session, compose its jury (with an R16 refusal), register a
// candidate record and a self-registered candidate, open the session and
// follow it on the board while the other people of the workflow (the
// candidate's dossier, the jurors' scores, deliberation and signatures)
// act through the REST API. Every screen is screenshotted and checked
// with axe-core.
func TestWebCentreInTheBrowser(t *testing.T) {
	b := browsertest.Start(t)
	s := startServer(t, testConfig(t, t.TempDir()))
	if !centreDevLogin(t, s.base) {
		t.Skip("the all-in-one serves no development login page yet (no authorization_endpoint in its discovery document)")
	}
	w := newTestWorkflow(t, s) // the other people, through REST
	ctx := context.Background()
	tab := b.NewTab(t)
	if status := tab.Login(s.base, "centre", "agent-centre", w.centreID, "/centre/sessions"); status != http.StatusOK {
		t.Fatalf("login landed on %s (%d)", tab.URL(), status)
	}
	centreMustSee(t, tab, "Aucune session pour le moment")
	tab.Check("centre-sessions-vide")

	// Plan a session titre, from today for two days.
	tab.Follow("Planifier une session")
	centreMustSee(t, tab, "Étape 1 sur 2")
	tab.Check("centre-planifier-titre")
	tab.Follow("Continuer")
	centreMustSee(t, tab, "Étape 2 sur 2")
	today := time.Now()
	tab.Choose("Session titre")
	tab.Fill("Site de la plateforme technique", "AFPA Lyon Vénissieux")
	centreSetDate(tab, "debut", today)
	centreSetDate(tab, "fin", today.AddDate(0, 0, 1))
	tab.Check("centre-planifier-session")
	if status := tab.Follow("Planifier la session"); status != http.StatusOK || !strings.Contains(tab.URL(), "/centre/sessions/") {
		t.Fatalf("planning: %d at %s", status, tab.URL())
	}
	centreMustSee(t, tab, "Session planifiée", "il en faut au moins deux (règle R19)")
	tab.Check("centre-session-planifiee")
	sessionURL := strings.TrimSuffix(tab.URL(), "?planifiee=1")
	sessionID := sessionURL[strings.LastIndex(sessionURL, "/")+1:]
	tab.Follow("Sessions du centre")
	if !tab.Has(`[data-session="` + sessionID + `"]`) {
		t.Errorf("the sessions list does not show the new session")
	}
	tab.Check("centre-sessions")
	tab.Open(sessionURL)

	// Compose the jury from the juror register: a refusal first (R23: a
	// juror the DREETS habilitated who has not accepted the charte yet).
	if _, err := w.habilitate(ctx, "jure-nouveau-"+w.run, "Chloé Nouvelle", false); err != nil {
		t.Fatal(err)
	}
	tab.Follow("Jury")
	tab.Check("centre-jury-vide")
	centreChooseJuror(tab, "Chloé Nouvelle")
	centreAddJurorInTheBrowser(t, tab, "CHARTER_NOT_ACCEPTED")
	tab.Check("centre-jury-refus-r23")
	centreChooseJuror(tab, "Juré 1")
	tab.Follow("Ajouter le juré au jury")
	centreMustSee(t, tab, "Le juré a été ajouté au jury.", "Juré 1")
	centreChooseJuror(tab, "Juré 2")
	tab.Eval(`document.getElementById("lien-1-nature").value = "employeur"`, nil) // a select: as the person picks it
	tab.Fill("Organisme, employeur ou identifiant du lien 1", "Chimie du Rhône")
	tab.Follow("Ajouter le juré au jury")
	centreMustSee(t, tab, "Juré 2", "Employeur : Chimie du Rhône")
	tab.Check("centre-jury")

	// A candidate record of the centre, registered from the session's page.
	tab.Follow("Candidatures et dossiers")
	tab.Check("centre-candidatures-vide")
	tab.Follow("Enregistrer un nouveau candidat")
	tab.Check("centre-candidat-nouveau")
	tab.Fill("Nom de naissance", "Bernard")
	tab.Fill("Prénoms", "Dominique")
	centreSetDate(tab, "naissance", time.Date(1994, 3, 12, 0, 0, 0, 0, time.UTC))
	tab.Fill("Commune de naissance", "Lyon")
	tab.Fill("Adresse électronique", "dominique.bernard@example.org")
	tab.Choose("Formation professionnelle continue")
	tab.Fill("Organisme de formation", "AFPA Lyon")
	tab.Fill("Titre préparé", "TP-00495")
	if status := tab.Follow("Enregistrer le candidat"); status != http.StatusOK || !tab.Has(`#candidat-liste option[selected]`) {
		t.Fatalf("candidate record: %d at %s", status, tab.URL())
	}
	centreRegisterInTheBrowser(t, tab, "centre-candidat-liste")

	// A person who registered themselves gives the centre their id.
	selfID, err := w.registerCandidate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tab.Choose("Une personne enregistrée elle-même, par son identifiant")
	tab.Fill("Identifiant communiqué par le candidat", selfID)
	centreRegisterInTheBrowser(t, tab, "")
	centreMustSee(t, tab, "Dossiers professionnels déposés : 0 sur 2")
	tab.Check("centre-candidatures")

	// The self-registered candidate submits their dossier.
	candidacyID := tab.String(fmt.Sprintf(`Array.from(document.querySelectorAll("tr[data-candidacy]")).find(r => r.textContent.includes(%q)).dataset.candidacy`, selfID))
	dossierID, err := w.prepareDossier(ctx, selfID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.submitDossier(ctx, dossierID, sessionID, candidacyID); err != nil {
		t.Fatal(err)
	}
	tab.Open(sessionURL + "/candidatures")
	centreMustSee(t, tab, "Dossiers professionnels déposés : 1 sur 2")
	// Both train for the title: the centre records their ECF results (R30).
	flowRecordECF(t, tab, 2)
	// R46: a disability adjustment for the self-registered candidate,
	// refused when exceptional without a justification, then recorded.
	centreAdjustInTheBrowser(t, tab, candidacyID)

	// Open the session.
	tab.Follow("La session")
	centreMustSee(t, tab, "Le jury compte 2 membres habilités.", "2 candidats inscrits.")
	tab.Check("centre-session-avant-ouverture")
	tab.Follow("Ouvrir la session")
	centreMustSee(t, tab, "La session est ouverte")
	tab.Check("centre-session-ouverte")

	// The board: nobody has scored yet; one candidate has no dossier (R34).
	tab.Follow("Suivi de la session")
	centreMustSee(t, tab, "Dossier professionnel non déposé (règle R34).", "2 candidats attendent des évaluations : 4 évaluations de juré à terminer",
		"Évaluations incomplètes : Juré 1 et Juré 2 (règle R49).")
	if n := tab.String(`String(document.querySelectorAll('td[data-juror][data-state="NOT_STARTED"]').length)`); n != "4" {
		t.Errorf("%s evaluations shown as not started; want 4", n)
	}
	tab.Follow("Actualiser le tableau")
	if !tab.Has(`[data-board-controls]:not([hidden])`) {
		t.Error("the automatic refresh switch is not offered")
	}
	tab.Check("centre-suivi")

	// The first juror records one verdict: after a refresh, the board shows
	// their progress (one competence of the scope), never the verdict.
	scope := w.ccpCodes()
	competences := 0
	var first string
	for _, ccp := range w.title.GetCcps() {
		if contains(scope, ccp.GetCode()) {
			competences += len(ccp.GetCompetences())
			if first == "" {
				first = ccp.GetCompetences()[0].GetCode()
			}
		}
	}
	evaluation := "/v1/sessions/" + sessionID + "/candidacies/" + candidacyID + "/evaluations/" + w.subjects[asJuror1]
	if err := w.call(ctx, asJuror1, "PATCH", evaluation, &assessmentv1.Evaluation{Etag: "0", Items: []*assessmentv1.EvaluationItem{{
		CompetenceCode: first, Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE,
		Verdict: assessmentv1.Verdict_VERDICT_NOT_MASTERED, Observation: "Observation réservée au jury.",
	}}}, nil); err != nil {
		t.Fatal(err)
	}
	tab.Follow("Actualiser le tableau")
	cell := fmt.Sprintf(`tr[data-candidacy=%q] td[data-juror=%q]`, candidacyID, w.subjects[asJuror1])
	if got, want := strings.Join(strings.Fields(tab.String(`document.querySelector(`+strconv.Quote(cell)+`).textContent`)), " "),
		fmt.Sprintf("En cours 1/%d compétences avec un verdict", competences); got != want {
		t.Errorf("the first juror's progress reads %q; want %q", got, want)
	}
	if !tab.Has(fmt.Sprintf(`tr[data-candidacy=%q] td[data-juror=%q][data-state="NOT_STARTED"]`, candidacyID, w.subjects[asJuror2])) {
		t.Error("the second juror is not shown as not started")
	}
	if strings.Contains(tab.MainText(), "Observation réservée au jury") {
		t.Error("the board shows a juror's observation")
	}
	tab.Check("centre-suivi-en-cours")

	// The jury scores and deliberates the candidate with a dossier; the
	// board shows it after a refresh switched on by the person.
	if err := w.evaluate(ctx, sessionID, candidacyID, scope, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.deliberate(ctx, sessionID, candidacyID, scope, nil); err != nil {
		t.Fatal(err)
	}
	// The page sets the period (30 s); the test shortens it to a second.
	tab.Eval(`document.querySelector("[data-board]").setAttribute("data-board-refresh", "1")`, nil)
	tab.Choose("Actualiser automatiquement")
	deadline := time.Now().Add(20 * time.Second)
	for !tab.Has(`[data-status="delibere"]`) {
		if time.Now().After(deadline) {
			t.Fatal("the board did not show the deliberation after its automatic refresh")
		}
		time.Sleep(250 * time.Millisecond)
	}
	centreMustSee(t, tab, "Tableau actualisé : état au", "Tous les CCP obtenus")
	if !tab.Has(fmt.Sprintf(`tr[data-candidacy=%q] td[data-juror=%q][data-state="COMPLETE"]`, candidacyID, w.subjects[asJuror1])) {
		t.Error("the first juror's evaluation is not shown complete after the refresh")
	}
	tab.Check("centre-suivi-delibere")

	// The other candidate: present at the first épreuve, then transferred
	// to another planned session of the centre; the session is then
	// deliberated, signed and validated, and the centre reads its results.
	other, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	if err != nil {
		t.Fatal(err)
	}
	tab.Open(sessionURL + "/candidatures")
	bernardID := tab.String(fmt.Sprintf(`Array.from(document.querySelectorAll("tr[data-candidacy]")).find(r => !r.textContent.includes(%q)).dataset.candidacy`, selfID))
	name := centreOpenChanges(tab, bernardID)
	tab.ClickCSS("#pr-" + bernardID + "-0")
	if status := tab.Follow("Enregistrer la présence de " + name); status != http.StatusOK {
		t.Fatalf("attendance: %d at %s", status, tab.URL())
	}
	centreMustSee(t, tab, "La présence du candidat est enregistrée.", "Présence : ")
	tab.Check("centre-presence")
	centreOpenChanges(tab, bernardID)
	tab.Eval(fmt.Sprintf(`document.getElementById(%q).value = %q`, "tr-"+bernardID+"-session", other), nil) // a select: as the person picks it
	tab.Fill("Motif du transfert (facultatif) — "+name, "Stage en entreprise")
	tab.Check("centre-transfert-formulaire")
	if status := tab.Follow("Transférer la candidature de " + name); status != http.StatusOK {
		t.Fatalf("transfer: %d at %s", status, tab.URL())
	}
	centreMustSee(t, tab, "La candidature est transférée")
	// The badge's text is shown in capitals: read it as written.
	if got := tab.String(`document.querySelector(` + strconv.Quote(fmt.Sprintf(`tr[data-candidacy=%q] [data-withdrawn]`, bernardID)) + `).textContent`); !strings.HasPrefix(got, "Transférée vers une autre session le ") ||
		!strings.HasSuffix(got, " : Stage en entreprise") {
		t.Errorf("the transferred candidacy reads %q", got)
	}
	tab.Check("centre-transfert")

	minutes, err := w.signMinutes(ctx, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.validate(ctx, sessionID, minutes.GetContentHash()); err != nil {
		t.Fatal(err)
	}
	tab.Follow("Résultats")
	centreMustSee(t, tab, "Version 1, validée par la DREETS", minutes.GetContentHash(), "Décisions du jury (1)", "Décisions pour ",
		"Fiche individuelle de résultats de ", "Télécharger le procès-verbal")
	if !tab.Has(fmt.Sprintf(`a[href="/centre/sessions/%s/resultats/%s/fiche.pdf"]`, sessionID, candidacyID)) {
		t.Error("the results page does not link the candidate's fiche individuelle")
	}
	tab.Check("centre-resultats")
}

// centreOpenChanges unfolds the changes of candidacy id on the candidacies
// page and returns the candidate's name, as its summary says it.
func centreOpenChanges(tab *browsertest.Tab, id string) string {
	sel := fmt.Sprintf(`details[data-changes=%q]`, id)
	tab.Eval(`document.querySelector(`+strconv.Quote(sel)+`).open = true`, nil)
	return strings.TrimSpace(tab.String(`document.querySelector(` + strconv.Quote(sel+" summary") + `).textContent`))
}

// centreAdjustInTheBrowser records an adjustment (R46) of candidacy id
// through its form: exceptional without a justification first (refused
// next to the field), then justified.
func centreAdjustInTheBrowser(t *testing.T, tab *browsertest.Tab, id string) {
	t.Helper()
	name := centreOpenChanges(tab, id)
	tab.Check("centre-amenagement-formulaire")
	tab.Fill("Temps supplémentaire en minutes — "+name, "20")
	if tab.Has("#am-" + id + "-duree") {
		tab.Fill("Durée prévue de l’épreuve en minutes — "+name, "120")
	}
	tab.Fill("Référence de l’autorisation — "+name, "MDPH-69-0042")
	centreSetDate(tab, "am-"+id+"-date", time.Now().AddDate(0, 0, -1))
	tab.Choose("Aménagement exceptionnel : plus du tiers de la durée de l’épreuve — " + name)
	if status := tab.Follow("Enregistrer l’aménagement de " + name); status != http.StatusUnprocessableEntity {
		t.Fatalf("an exceptional adjustment without a justification: %d at %s", status, tab.URL())
	}
	centreMustSee(t, tab, "Justifiez l’aménagement exceptionnel (règle R46).")
	tab.Check("centre-amenagement-refus")
	tab.Fill("Justification de l’aménagement exceptionnel — "+name, "Avis du médecin agréé : fatigabilité importante.")
	if status := tab.Follow("Enregistrer l’aménagement de " + name); status != http.StatusOK {
		t.Fatalf("adjustment: %d at %s: %s", status, tab.URL(), tab.MainText())
	}
	centreMustSee(t, tab, "L’aménagement est enregistré.", "MDPH-69-0042", "à titre exceptionnel")
	tab.Check("centre-amenagement")
}

// centreDevLogin reports whether the server's discovery document names an
// authorization endpoint (the development login page).
func centreDevLogin(t *testing.T, base string) bool {
	t.Helper()
	resp, err := http.Get(base + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Authorization string `json:"authorization_endpoint"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	return doc.Authorization != ""
}

// centreMustSee fails unless the page's main content says every want.
func centreMustSee(t *testing.T, tab *browsertest.Tab, want ...string) {
	t.Helper()
	text := tab.MainText()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not say %q:\n%s", tab.URL(), w, text)
		}
	}
}

// centreSetDate sets the date field id: a date field's typed format follows the
// browser's locale, so the test sets its value as the picker would.
func centreSetDate(tab *browsertest.Tab, id string, d time.Time) {
	tab.Eval(fmt.Sprintf(`(e => { e.value = %q; e.dispatchEvent(new Event("change", {bubbles: true})); })(document.getElementById(%q))`, d.Format(time.DateOnly), id), nil)
}

// centreRegisterInTheBrowser sends the registration form until the assessment
// service knows the candidate (its refusal while the candidate service's
// event is on its way says to wait a few seconds), checking the refusal's
// screen once as name when name is not empty.
func centreRegisterInTheBrowser(t *testing.T, tab *browsertest.Tab, name string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		status := tab.Follow("Inscrire le candidat")
		if status == http.StatusOK {
			centreMustSee(t, tab, "Le candidat est inscrit à la session")
			return
		}
		if !strings.Contains(tab.MainText(), "patientez quelques secondes") || time.Now().After(deadline) {
			t.Fatalf("registration: %d\n%s", status, tab.MainText())
		}
		if name != "" {
			tab.Check(name + "-refus-inconnu")
			name = ""
		}
		time.Sleep(200 * time.Millisecond)
	}
}
