package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/gateway/web"
	"github.com/titrepro/titrepro/gateway/web/browsertest"
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// TestWebDreetsInTheBrowser is the DREETS officer's part of the jury
// workflow in Chromium against `titrepro serve`. The earlier steps are
// played through REST (workflow.go) as set-up: a partial success (CCP3 not
// obtained) in a session titre, then a session CCP for CCP3. The officer
// logs in through the development login page, examines the first minutes,
// is asked to confirm, validates them, sees the livret and verifies it on
// the public page; then, while the officer looks at the second minutes, a
// colleague validates them first, and the officer's validation is refused
// (RESULTS_ALREADY_VALIDATED) on a page that shows the titre by
// capitalisation that followed. Every screen is checked (screenshots at
// two sizes, axe-core).
func TestWebDreetsInTheBrowser(t *testing.T) {
	b := browsertest.Start(t)
	s := startServer(t, testConfig(t, t.TempDir()))
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	candidateID, err := w.registerCandidate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all := w.ccpCodes()
	failCCP3 := map[string]bool{"CCP3": true}
	first := signedSessionOf(ctx, t, w, candidateID, "", assessmentv1.SessionType_SESSION_TYPE_TITRE, nil, all, failCCP3)

	tab := b.NewTab(t)
	officer := "agent-dreets-" + randomSuffix()
	if status := tab.Login(s.base, "ministry", officer, "", "/dreets/a-valider"); status != http.StatusOK || !strings.HasSuffix(tab.URL(), "/dreets/a-valider") {
		t.Fatalf("login landed on %s (%d); want /dreets/a-valider", tab.URL(), status)
	}
	if title := tab.Title(); title != "Procès-verbaux à valider — titrepro" {
		t.Errorf("title = %q", title)
	}
	if !tab.Has(`tr[data-session="` + first.session + `"]`) {
		t.Fatalf("the signed minutes are not in the list: %s", tab.MainText())
	}
	tab.Check("dreets-a-valider")

	// The registers: the workflow's agrément and habilitations are listed;
	// the officer habilitates one more juror from the form.
	tab.Follow("Registres")
	if !tab.Has(`tr[data-agrement="AGR-69-`+w.run+`"]`) || !tab.Has(`tr[data-habilitation="`+w.habilitations[asJuror1]+`"]`) {
		t.Errorf("the registers do not list the workflow's entries:\n%s", tab.MainText())
	}
	tab.Check("dreets-registres")
	number := "HAB-38-" + w.run
	tab.Fill("Numéro d’habilitation", number)
	tab.Fill("Identifiant de connexion du juré", "jure-grenoble-"+w.run)
	tab.Fill("Nom du juré", "Hugo Lefèvre")
	tab.Fill("Adresse électronique du juré", "hugo.lefevre@example.org")
	tab.Eval(fmt.Sprintf(`document.getElementById("hab-titre").value = %q`, w.title.GetId()), nil) // a select: as the person picks it
	centreSetDate(tab, "hab-debut", time.Now())
	centreSetDate(tab, "hab-fin", time.Now().AddDate(2, 0, 0))
	tab.Fill("Années d’expérience", "2")
	if status := tab.Follow("Habiliter le juré"); status != http.StatusBadRequest || !strings.Contains(tab.MainText(), "règle R17") {
		t.Errorf("two years of experience: %d\n%s", status, tab.MainText())
	}
	tab.Check("dreets-registres-refus-r17")
	tab.Fill("Années d’expérience", "9")
	tab.Follow("Habiliter le juré")
	if !tab.Has(`tr[data-habilitation="` + number + `"]`) {
		t.Errorf("the new habilitation is not listed:\n%s", tab.MainText())
	}
	tab.Check("dreets-registres-habilitation")
	tab.Open(s.base + "/dreets/a-valider")

	// The minutes: every decision with its motivation, the signatures, the hash.
	if status := tab.Follow(examineLink(first)); status != http.StatusOK {
		t.Fatalf("result page: %d", status)
	}
	// Badges are shown in capitals: the text is compared in lower case.
	text := strings.ToLower(tab.MainText())
	for _, want := range []string{"En attente de validation", "Camille Durand", "Réussite partielle", "Non obtenu",
		"Compétences non démontrées lors de la mise en situation.", "Juré 1", "Juré 2", first.hash} {
		if !strings.Contains(text, strings.ToLower(want)) {
			t.Errorf("the result page lacks %q", want)
		}
	}
	tab.Check("dreets-proces-verbal")

	// Validating asks for the confirmation first.
	if status := tab.Follow("Valider le procès-verbal"); status != http.StatusUnprocessableEntity {
		t.Errorf("validation without confirmation: %d; want 422", status)
	}
	if !strings.HasPrefix(tab.Title(), "Erreur : ") || !tab.Has("[data-error-summary]:focus") {
		t.Errorf("the error is not announced: title %q, focus %+v", tab.Title(), tab.Focused())
	}
	tab.Check("dreets-confirmation-manquante")
	tab.Choose("J’ai examiné ce procès-verbal")
	if status := tab.Follow("Valider le procès-verbal"); status != http.StatusOK || !strings.HasSuffix(tab.URL(), "?valide=1") {
		t.Fatalf("validation: %d at %s", status, tab.URL())
	}
	certs, err := w.certificates(ctx, candidateID, 1)
	if err != nil {
		t.Fatal(err)
	}
	livret := certs[0]
	if livret.GetKind() != certificationv1.CertificateKind_CERTIFICATE_KIND_LIVRET || livret.GetSessionId() != first.session {
		t.Fatalf("after the validation: %v; want the livret of this session", livret)
	}
	text = strings.ToLower(tab.MainText())
	for _, want := range []string{"Procès-verbal validé", "Livret de certification", livret.GetNumber(), officer} {
		if !strings.Contains(text, strings.ToLower(want)) {
			t.Errorf("the validated result lacks %q", want)
		}
	}
	tab.Check("dreets-valide")

	// The award's number opens its public verification page.
	if status := tab.Follow(livret.GetNumber() + " — vérifier ce certificat"); status != http.StatusOK || !tab.Has(`[data-verdict="valide"]`) {
		t.Errorf("verification of %s: %d, %s", livret.GetNumber(), status, tab.MainText())
	}
	tab.Check("dreets-verification-livret")

	// The second minutes: a colleague validates them while the officer
	// reads them.
	second := signedSessionOf(ctx, t, w, candidateID, first.dossier, assessmentv1.SessionType_SESSION_TYPE_CCP, []string{"CCP3"}, []string{"CCP3"}, nil)
	if status := tab.Follow("Procès-verbaux à valider"); status != http.StatusOK {
		t.Fatalf("list: %d", status)
	}
	if tab.Has(`tr[data-session="` + first.session + `"]`) {
		t.Error("the validated minutes are still awaiting validation")
	}
	if status := tab.Follow(examineLink(second)); status != http.StatusOK {
		t.Fatalf("second result page: %d", status)
	}
	tab.Choose("J’ai examiné ce procès-verbal")
	if err := w.validate(ctx, second.session, second.hash); err != nil {
		t.Fatal(err)
	}
	if status := tab.Follow("Valider le procès-verbal"); status != http.StatusBadRequest {
		t.Errorf("validation after a colleague's: %d; want 400", status)
	}
	text = strings.ToLower(tab.MainText())
	for _, want := range []string{"La validation a été refusée", "Validé", "Titre professionnel",
		"par capitalisation"} {
		if !strings.Contains(text, strings.ToLower(want)) {
			t.Errorf("the refused validation's page lacks %q: %s", want, text)
		}
	}
	if tab.Has("#formulaire-validation") {
		t.Error("the validation form is still offered")
	}
	tab.Check("dreets-validation-refusee")

	if status := tab.Follow("Résultats validés"); status != http.StatusOK {
		t.Fatalf("validated list: %d", status)
	}
	for _, id := range []string{first.session, second.session} {
		if !tab.Has(`tr[data-session="` + id + `"]`) {
			t.Errorf("session %s missing from the validated results", id)
		}
	}
	tab.Check("dreets-resultats-valides")
}

// signed is a session whose minutes every juror signed and the
// certification service received.
type signed struct {
	session, hash, dossier, juryDate, centre string
}

// signedSessionOf plays a session through REST up to its signed minutes
// (set-up, not the screens under test): the centre plans it, registers the
// candidate, who submits their dossier (written first when dossier is ""),
// the centre opens it, both jurors score, the jury deliberates (the CCPs in
// failed not obtained) and signs; then it waits until the certification
// service has the result.
func signedSessionOf(ctx context.Context, t *testing.T, w *workflow, candidateID, dossier string, typ assessmentv1.SessionType, ccps, scope []string, failed map[string]bool) signed {
	t.Helper()
	sessionID, err := w.planSession(ctx, typ, ccps)
	if err != nil {
		t.Fatal(err)
	}
	candidacyID, err := w.registerCandidacy(ctx, sessionID, candidateID, ccps)
	if err != nil {
		t.Fatal(err)
	}
	if dossier == "" {
		if dossier, err = w.prepareDossier(ctx, candidateID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.submitDossier(ctx, dossier, sessionID, candidacyID); err != nil {
		t.Fatal(err)
	}
	if err := w.open(ctx, sessionID); err != nil {
		t.Fatal(err)
	}
	if err := w.evaluate(ctx, sessionID, candidacyID, scope, failed); err != nil {
		t.Fatal(err)
	}
	if _, err := w.deliberate(ctx, sessionID, candidacyID, scope, failed); err != nil {
		t.Fatal(err)
	}
	minutes, err := w.signMinutes(ctx, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	err = waitFor(ctx, "the signed minutes to reach the certification service", func() (bool, error) {
		err := w.call(ctx, asMinistry, "GET", "/v1/results/"+sessionID, nil, &certificationv1.GetResultResponse{})
		if reasonOf(err) == "RESULT_NOT_FOUND" {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return signed{session: sessionID, hash: minutes.GetContentHash(), dossier: dossier, juryDate: minutes.GetJuryDate(), centre: w.centreID}
}

// examineLink is the text of the list's link to the minutes, as a screen
// reader reads it (the visible "Examiner" and its hidden context).
func examineLink(s signed) string {
	return "Examiner le procès-verbal du jury du " + web.CivilDateFR(s.juryDate) + ", centre " + s.centre
}
