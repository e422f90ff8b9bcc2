package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/gateway/web/browsertest"
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// TestWebJurorInTheBrowser walks the juror's screens in Chromium against
// `titrepro serve`: the centre and the candidate do their part through the
// REST API (their screens have their own tests); the first juror logs in
// through the development login page, reads the dossier and its documents,
// meets a conflicting change of their grid in another tab, completes the
// grid with the keyboard alone, deliberates (the R48 refusal first) and
// signs the minutes. Every screen is checked with axe-core and
// screenshotted at both sizes.
func TestWebJurorInTheBrowser(t *testing.T) {
	b := browsertest.Start(t)
	s := startServer(t, testConfig(t, t.TempDir()))
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	candidateID, err := w.registerCandidate(ctx)
	must(t, err)
	sessionID, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	must(t, err)
	candidacyID, err := w.registerCandidacy(ctx, sessionID, candidateID, nil)
	must(t, err)
	dossierID, err := w.prepareDossier(ctx, candidateID)
	must(t, err)
	must(t, w.c.send(ctx, asCandidate, w.tokens[asCandidate], "POST", "/v1/dossiers/"+dossierID+"/documents?kind=DOCUMENT_KIND_EVIDENCE&file_name=attestation.png",
		"image/png", bytes.NewReader(bluePNG()), nil))
	_, err = w.submitDossier(ctx, dossierID, sessionID, candidacyID)
	must(t, err)
	must(t, w.open(ctx, sessionID))

	sessionURL := s.base + "/jury/sessions/" + sessionID
	candidacyURL := sessionURL + "/candidatures/" + candidacyID

	// A juror the DREETS has just habilitated accepts the charte de
	// déontologie before a centre can name them (R23).
	newcomer := "jure-nouveau-" + w.run
	_, err = w.habilitate(ctx, newcomer, "Chloé Nouvelle", false)
	must(t, err)
	newcomerTab := browsertest.Start(t).NewTab(t) // another computer
	if status := newcomerTab.Login(s.base, "juror", newcomer, "", "/jury"); status != http.StatusOK {
		t.Fatalf("newcomer login landed on %s (%d)", newcomerTab.URL(), status)
	}
	if !newcomerTab.Has("[data-charter-missing]") {
		t.Errorf("« Mes sessions » does not say that the charte is not accepted:\n%s", newcomerTab.MainText())
	}
	newcomerTab.Check("jury-charte-a-accepter")
	newcomerTab.Follow("Lire et accepter la charte")
	newcomerTab.Check("jury-charte")
	newcomerTab.Choose("J’ai lu la charte de déontologie et je m’engage à la respecter")
	if status := newcomerTab.Follow("Accepter la charte"); status != http.StatusOK || !strings.Contains(newcomerTab.MainText(), "Vous avez accepté la charte de déontologie.") {
		t.Fatalf("accepting the charte: %d\n%s", status, newcomerTab.MainText())
	}
	newcomerTab.Check("jury-charte-acceptee")

	tab := b.NewTab(t)

	// My sessions, then the session, from the navigation.
	if status := tab.Login(s.base, "juror", w.subjects[asJuror1], "", "/jury"); status != http.StatusOK || !strings.HasSuffix(tab.URL(), "/jury") {
		t.Fatalf("login landed on %s (%d); want /jury", tab.URL(), status)
	}
	tab.Check("jury-mes-sessions")
	if status := tab.Follow("Session titre — " + w.title.GetLabel()); status != http.StatusOK || !strings.HasSuffix(tab.URL(), sessionID) {
		t.Fatalf("the session link led to %s (%d)", tab.URL(), status)
	}
	if text := tab.MainText(); !strings.Contains(text, "Durand") || !strings.Contains(text, "Déposé le") {
		t.Errorf("the session page lacks the candidacy: %s", text)
	}
	tab.Check("jury-session")

	// The juror declares their links (R21): an employer none of the
	// candidates declared, so the candidacy stays theirs.
	tab.Eval(`(() => { document.getElementById("lien-1-nature").value = "employeur"; return true; })()`, nil)
	tab.Fill("Organisme, employeur ou identifiant du lien 1", "Transports Rhône")
	if status := tab.Follow("Déclarer mes liens"); status != http.StatusOK ||
		!strings.Contains(tab.MainText(), "Vos liens sont enregistrés") || !strings.Contains(tab.MainText(), "Employeur : Transports Rhône") {
		t.Fatalf("declaring a link: %d\n%s", status, tab.MainText())
	}
	if text := tab.MainText(); !strings.Contains(text, "Durand") {
		t.Errorf("a link with another employer took the candidacy away: %s", text)
	}
	tab.Check("jury-liens-declares")

	// The juror reports a fraud observed during the session (R57): on the
	// session, no measure; the minutes will mention it.
	tab.Fill("Faits constatés", "Un document non autorisé circulait dans la salle pendant la mise en situation.")
	if status := tab.Follow("Signaler la fraude"); status != http.StatusOK ||
		!strings.Contains(tab.MainText(), "Votre rapport de fraude est enregistré") || !strings.Contains(tab.MainText(), "Un document non autorisé circulait") {
		t.Fatalf("reporting a fraud: %d\n%s", status, tab.MainText())
	}
	tab.Check("jury-fraude-signalee")

	// The frozen dossier: the PDF in a frame, the image shown.
	tab.Open(candidacyURL)
	if text := tab.MainText(); !strings.Contains(text, "Exemple pour CCP1") || !strings.Contains(text, "procédure sauvegarde.pdf") {
		t.Errorf("the dossier page lacks the dossier: %s", text)
	}
	if !tab.Has(`iframe.titrepro-document__frame[title="Document procédure sauvegarde.pdf"]`) {
		t.Error("the PDF is not framed in the page")
	}
	var imageWidth int
	tab.Eval(`new Promise(ok => { const i = document.querySelector("img.titrepro-document__image"); i.loading = "eager"; if (i.complete) ok(i.naturalWidth); else i.onload = () => ok(i.naturalWidth); })`, &imageWidth)
	if imageWidth != 16 {
		t.Errorf("the image shows %d pixels wide; want the 16 uploaded", imageWidth)
	}
	tab.Check("jury-dossier")

	// The same juror on another device saves the grid first: this tab's
	// save is refused (409) with the way to the current grid.
	gridURL := candidacyURL + "/grille"
	tab.Open(gridURL)
	other := browsertest.Start(t).NewTab(t)
	if status := other.Login(s.base, "juror", w.subjects[asJuror1], "", "/jury/sessions/"+sessionID+"/candidatures/"+candidacyID+"/grille"); status != http.StatusOK {
		t.Fatalf("login on the other device: %d at %s", status, other.URL())
	}
	other.Eval(`(() => { const s = document.getElementById("verdict-CCP1-C1-MISE_EN_SITUATION_PROFESSIONNELLE"); s.value = "NOT_OBSERVED"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`, nil)
	waitText(t, other, "grille-etat", "Enregistré à")
	first := "verdict-CCP1-C1-MISE_EN_SITUATION_PROFESSIONNELLE"
	tabTo(t, tab, first, 80)
	tab.Press("m")
	waitText(t, tab, "grille-alerte", "Une autre modification est arrivée avant la vôtre")
	if n := tab.Expected("grille answered 409"); n != 1 {
		t.Errorf("the conflicting save was answered 409 %d times; want once", n)
	}
	tab.Check("jury-grille-conflit")
	if status := tab.Follow("Recharger la grille"); status != http.StatusOK {
		t.Fatalf("reload = %d", status)
	}

	// The whole grid with the keyboard alone: Tab to each competence's
	// first épreuve, a letter chooses the verdict (M: Maîtrisée, N: Non
	// maîtrisée), Tab over the other épreuves and the observation.
	tabTo(t, tab, first, 80)
	epreuves := 0
	for _, e := range w.title.GetEpreuves() {
		for _, st := range e.GetSessionTypes() {
			if st == certificationv1.SessionType_SESSION_TYPE_TITRE {
				epreuves++
			}
		}
	}
	for _, ccp := range w.title.GetCcps() {
		key := "m"
		if ccp.GetCode() == "CCP3" {
			key = "n"
		}
		for _, comp := range ccp.GetCompetences() {
			f := tab.Focused()
			if f.ID != "verdict-"+comp.GetCode()+"-MISE_EN_SITUATION_PROFESSIONNELLE" || !f.Outline {
				t.Fatalf("the focus is on %+v; want the visibly focused list of %s at the mise en situation", f, comp.GetCode())
			}
			tab.Press(key)
			for range epreuves {
				tab.Press(browsertest.KeyTab)
			}
			if f := tab.Focused(); f.ID != "observation-"+comp.GetCode() || !f.Outline {
				t.Fatalf("the focus is on %+v; want the observation of %s", f, comp.GetCode())
			}
			if comp.GetCode() == "CCP3-C1" {
				tab.Press("Évaluation des ressources non démontrée.")
			}
			tab.Press(browsertest.KeyTab)
		}
	}
	waitText(t, tab, "grille-etat", "Grille complète")
	if f := tab.Focused(); f.Text != "Enregistrer la grille" || !f.Outline {
		t.Errorf("after the last observation the focus is on %+v; want the save button", f)
	}
	tab.Check("jury-grille-complete")
	// The button saves the whole grid too (and is what works without script).
	if status := tab.PressAndFollow(browsertest.KeyEnter); status != http.StatusOK || !strings.Contains(tab.MainText(), "Grille enregistrée") {
		t.Errorf("Enter on the save button: %d, %s", status, tab.URL())
	}
	ev := &assessmentv1.GetEvaluationResponse{}
	must(t, w.call(ctx, asJuror1, "GET", "/v1/sessions/"+sessionID+"/candidacies/"+candidacyID+"/evaluations/me", nil, ev))
	if !ev.GetEvaluation().GetComplete() || len(ev.GetEvaluation().GetItems()) != 20 {
		t.Errorf("the evaluation stored: complete %t, %d items; want complete, 20", ev.GetEvaluation().GetComplete(), len(ev.GetEvaluation().GetItems()))
	}
	for _, it := range ev.GetEvaluation().GetItems() {
		want := assessmentv1.Verdict_VERDICT_MASTERED
		if strings.HasPrefix(it.GetCompetenceCode(), "CCP3") {
			want = assessmentv1.Verdict_VERDICT_NOT_MASTERED
		}
		if it.GetVerdict() != want || it.GetEpreuve() != certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE {
			t.Errorf("stored item %v", it)
		}
	}

	// The entretien final ends the session titre (R43): the first juror
	// records a verdict there too, through the API.
	ev.Evaluation.Items = append(ev.Evaluation.Items, &assessmentv1.EvaluationItem{CompetenceCode: "CCP1-C1",
		Verdict: assessmentv1.Verdict_VERDICT_MASTERED, Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_ENTRETIEN_FINAL})
	must(t, w.call(ctx, asJuror1, "PATCH", "/v1/sessions/"+sessionID+"/candidacies/"+candidacyID+"/evaluations/me",
		&assessmentv1.Evaluation{Etag: ev.GetEvaluation().GetEtag(), Items: ev.GetEvaluation().GetItems()}, nil))

	// The other juror scores through the API; the first one records the
	// deliberation: CCP3 not obtained needs a motivation (R48).
	scoreAs(t, w, asJuror2, sessionID, candidacyID, "CCP3")
	tab.Open(candidacyURL + "/deliberation")
	tab.Check("jury-deliberation")
	tab.ClickCSS("#resultat-CCP1-obtenu")
	tab.ClickCSS("#resultat-CCP2-obtenu")
	tab.ClickCSS("#resultat-CCP3-non-obtenu")
	if status := tab.Follow("Enregistrer la décision du jury"); status != http.StatusUnprocessableEntity {
		t.Errorf("a CCP not obtained without motivation: %d; want 422", status)
	}
	if !tab.Has("[data-error-summary]:focus") || !strings.Contains(tab.MainText(), "R48") {
		t.Errorf("the R48 refusal is not explained with the focus on its summary: %s", tab.MainText())
	}
	tab.Check("jury-deliberation-erreur")
	tab.Fill("Motivation de la décision sur CCP3", "Compétences non démontrées lors de la mise en situation.")
	if status := tab.Follow("Enregistrer la décision du jury"); status != http.StatusOK || !strings.Contains(tab.MainText(), "Décision enregistrée") {
		t.Fatalf("deliberation: %d, %s", status, tab.MainText())
	}
	tab.Check("jury-deliberation-enregistree")

	// The minutes: every decision, then the signature.
	tab.Open(sessionURL + "/proces-verbal")
	if text := tab.MainText(); !strings.Contains(text, "Compétences non démontrées lors de la mise en situation.") || !strings.Contains(text, "Juré 2") {
		t.Errorf("the minutes lack a decision or a juror: %s", text)
	}
	if text := tab.MainText(); !strings.Contains(text, "Rapports de fraude") || !strings.Contains(text, "La session : faits constatés le") {
		t.Errorf("the minutes do not mention the fraud report (R57): %s", text)
	}
	tab.Check("jury-proces-verbal")
	tab.Choose("J’ai relu le procès-verbal et j’en approuve les décisions")
	if status := tab.Follow("Signer le procès-verbal"); status != http.StatusOK || !strings.Contains(tab.MainText(), "Vous avez signé ce procès-verbal") {
		t.Fatalf("signature: %d, %s", status, tab.MainText())
	}
	tab.Check("jury-proces-verbal-signe")
}

// tabTo presses Tab until the element with id has the focus.
func tabTo(t *testing.T, tab *browsertest.Tab, id string, most int) {
	t.Helper()
	for range most {
		if tab.Focused().ID == id {
			return
		}
		tab.Press(browsertest.KeyTab)
	}
	t.Fatalf("%d Tabs did not reach #%s", most, id)
}

// waitText waits until the element with id contains text.
func waitText(t *testing.T, tab *browsertest.Tab, id, text string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := tab.String(`(document.getElementById("` + id + `") || {}).textContent || ""`)
		if strings.Contains(got, text) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("#%s says %q; want %q", id, got, text)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// scoreAs records who's complete evaluation through the API: every
// competence mastered at the mise en situation but those of notMastered,
// and the first one at the entretien final, which ends a session titre
// (R43).
func scoreAs(t *testing.T, w *workflow, who, sessionID, candidacyID, notMastered string) {
	t.Helper()
	ctx := context.Background()
	path := "/v1/sessions/" + sessionID + "/candidacies/" + candidacyID + "/evaluations/me"
	cur := &assessmentv1.GetEvaluationResponse{}
	must(t, w.call(ctx, who, "GET", path, nil, cur))
	ev := &assessmentv1.Evaluation{Etag: cur.GetEvaluation().GetEtag()}
	for _, ccp := range w.title.GetCcps() {
		v := assessmentv1.Verdict_VERDICT_MASTERED
		if ccp.GetCode() == notMastered {
			v = assessmentv1.Verdict_VERDICT_NOT_MASTERED
		}
		for _, c := range ccp.GetCompetences() {
			ev.Items = append(ev.Items, &assessmentv1.EvaluationItem{CompetenceCode: c.GetCode(), Verdict: v,
				Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE})
		}
	}
	ev.Items = append(ev.Items, &assessmentv1.EvaluationItem{CompetenceCode: ev.Items[0].GetCompetenceCode(), Verdict: ev.Items[0].GetVerdict(),
		Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_ENTRETIEN_FINAL})
	must(t, w.call(ctx, who, "PATCH", path, ev, nil))
}

// bluePNG is a 16×16 blue square.
func bluePNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := range 16 {
		for y := range 16 {
			img.Set(x, y, color.RGBA{B: 200, A: 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
