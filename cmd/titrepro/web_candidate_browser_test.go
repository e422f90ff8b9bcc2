package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/titrepro/titrepro/gateway/web/browsertest"
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/pdfdoc/pdftext"
)

// TestWebCandidateInTheBrowser walks the candidate's screens in Chromium
// against `titrepro serve`, logging in through the development login
// page: the record, the Dossier Professionnel refused as incomplete for
// a session then completed through the links of the check, a document
// uploaded with the progress script (over a megabyte, through the
// gateway) and one refused, the submission and its receipt, the sessions,
// and after the jury (played by the other roles through REST) a partial
// success: the decisions per CCP with the motivation of the one not
// obtained, the livret, and its public verification page.
func TestWebCandidateInTheBrowser(t *testing.T) {
	b := browsertest.Start(t)
	s := startServer(t, testConfig(t, t.TempDir()))
	w := newTestWorkflow(t, s)
	ctx := context.Background()
	tab := b.NewTab(t)

	// Log in; the space says to create the record.
	if status := tab.Login(s.base, "candidate", "camille-"+randomSuffix(), "", "/candidat"); status != http.StatusOK {
		t.Fatalf("login landed on %s (%d)", tab.URL(), status)
	}
	tab.Check("candidat-espace-nouveau")
	tab.Follow("Créer ma fiche candidat")
	tab.Check("candidat-fiche-creation")

	// Sent empty: the errors, linked to their fields.
	if status := tab.Follow("Créer ma fiche"); status != http.StatusUnprocessableEntity || !tab.Has("[data-error-summary]:focus") {
		t.Fatalf("empty record: %d, summary focused: %t", status, tab.Has("[data-error-summary]:focus"))
	}
	tab.Check("candidat-fiche-erreurs")
	tab.Fill("Nom de naissance", "Durand")
	tab.Fill("Prénoms", "Camille, Marie")
	setValue(tab, "date-naissance", "1994-03-12")
	tab.Fill("Commune de naissance", "Lyon")
	tab.Fill("Pays de naissance", "FR")
	tab.Fill("Adresse électronique", "camille.durand@example.org")
	tab.Fill("Adresse — ligne 1", "12 rue des Lilas")
	tab.Fill("Code postal", "69003")
	tab.Fill("Commune", "Lyon")
	tab.Choose("Formation professionnelle continue")
	tab.Fill("Organisme de formation", "AFPA Lyon")
	tab.Fill("Titre préparé", "TP-00495")
	if status := tab.Follow("Créer ma fiche"); status != http.StatusOK || !strings.Contains(tab.MainText(), "Votre fiche candidat est créée") {
		t.Fatalf("record: %d at %s: %s", status, tab.URL(), tab.MainText())
	}
	tab.Check("candidat-espace")
	candidateID := tab.String(`document.getElementById("identifiant-candidat").textContent`)

	// The dossier for TP-00495 (the portfolio service learns the record
	// from an event: the first try may be answered "in a moment").
	tab.Follow("Commencer mon dossier")
	tab.Check("candidat-dossier-creation")
	for i := 0; ; i++ {
		if status := tab.Follow("Commencer le dossier"); status == http.StatusOK {
			break
		} else if i == 50 {
			t.Fatalf("dossier creation: %d: %s", status, tab.MainText())
		}
		time.Sleep(100 * time.Millisecond)
	}
	tab.Check("candidat-dossier")
	dossierURL := tab.URL()
	dossierURL = dossierURL[:strings.IndexByte(dossierURL, '?')]

	// The centre registers the candidate to a session titre.
	session, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	if err != nil {
		t.Fatal(err)
	}
	candidacy, err := w.registerCandidacy(ctx, session, candidateID, nil)
	if err != nil {
		t.Fatal(err)
	}

	// Submitted empty: nothing goes, the check lists what is missing.
	tab.Follow("Vérifier et déposer mon dossier")
	tab.Check("candidat-depot")
	for i := 0; !strings.Contains(tab.MainText(), "Ce qu’il reste à compléter"); i++ {
		if i == 50 {
			t.Fatalf("the submission was not checked: %s", tab.MainText())
		}
		time.Sleep(100 * time.Millisecond)
		tab.Open(dossierURL + "/depot")
		tab.Follow("Vérifier et déposer le dossier")
	}
	tab.Check("candidat-depot-incomplet")

	// Complete it through the links of the check.
	for _, ccp := range w.ccpCodes() {
		tab.Open(dossierURL + "/depot")
		tab.Follow("Vérifier et déposer le dossier")
		link := tab.String(fmt.Sprintf(`Array.from(document.querySelectorAll("#verification a")).find(a => a.textContent.startsWith("Activité type %s")).textContent`, ccp))
		tab.Follow(link)
		tab.Fill("Intitulé de l’exemple", "Supervision du parc ("+ccp+")")
		tab.Fill("Les tâches ou opérations que vous avez effectuées, et dans quelles conditions", "J’ai installé la supervision des serveurs et traité les alertes.")
		tab.Fill("Les moyens que vous avez utilisés", "Zabbix, Windows Server.")
		tab.Fill("Les personnes avec qui vous avez travaillé", "Le responsable informatique.")
		tab.Fill("Nom de l’entreprise, de l’organisme ou de l’association", "Transports Rhône SA")
		tab.Fill("Chantier, atelier ou service", "Service informatique")
		setValue(tab, "periode-debut", "2025-01-06")
		setValue(tab, "periode-fin", "2025-06-27")
		if ccp == "CCP1" {
			tab.Check("candidat-exemple")
		}
		if status := tab.Follow("Enregistrer l’exemple"); status != http.StatusOK || !strings.Contains(tab.MainText(), "L’exemple est enregistré") {
			t.Fatalf("example %s: %d: %s", ccp, status, tab.MainText())
		}
	}
	tab.Follow("Modifier les titres et diplômes")
	tab.Fill("Intitulé", "BTS Services informatiques aux organisations")
	tab.Check("candidat-diplomes")
	tab.Follow("Enregistrer le tableau")
	tab.Follow("Compléter la déclaration")
	tab.Fill("Je soussigné(e)", "Camille Durand")
	tab.Fill("Fait à", "Lyon")
	tab.Check("candidat-declaration")
	tab.Follow("Enregistrer la déclaration")

	// Documents: a PDF over a megabyte, with the progress script; then a
	// file of a refused type, whose refusal shows under the field.
	tab.Follow("Gérer les documents")
	tab.Check("candidat-documents-vide")
	dir := t.TempDir()
	pdf := filepath.Join(dir, "procédure sauvegarde.pdf")
	content := append([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"), bytes.Repeat([]byte("% remplissage\n"), 110_000)...)
	content = append(content, []byte("trailer << /Root 1 0 R >>\n%%EOF\n")...)
	writeFile(t, pdf, content)
	upload(t, tab, pdf)
	if status := tab.Follow("Ajouter le document"); status != http.StatusOK || !strings.Contains(tab.MainText(), "Le document est ajouté au dossier") {
		t.Fatalf("upload: %d: %s", status, tab.MainText())
	}
	if !strings.Contains(tab.MainText(), "procédure sauvegarde.pdf") {
		t.Errorf("the list does not show the document: %s", tab.MainText())
	}
	tab.Check("candidat-documents")
	exe := filepath.Join(dir, "programme.pdf")
	writeFile(t, exe, append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), make([]byte, 200)...))
	upload(t, tab, exe)
	tab.Click("Ajouter le document")
	waitIn := func(what, expr string) {
		t.Helper()
		var ok bool
		for range 100 {
			if tab.Eval(expr, &ok); ok {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("timed out waiting for %s", what)
	}
	waitIn("the refusal under the file field", `!document.getElementById("fichier-erreur").hidden && document.activeElement.id === "fichier"`)
	tab.Check("candidat-documents-refus")

	// Submit: the receipt.
	tab.Open(dossierURL + "/depot")
	if status := tab.Follow("Vérifier et déposer le dossier"); status != http.StatusOK || !strings.Contains(tab.MainText(), "Votre dossier a bien été déposé") {
		t.Fatalf("submission: %d: %s", status, tab.MainText())
	}
	tab.Check("candidat-depot-recu")
	tab.Follow("Voir mes sessions")
	tab.Check("candidat-sessions")

	// The jury, through REST: CCP2 not obtained.
	err = waitFor(ctx, "the dossier to reach the candidacy", func() (bool, error) {
		got := &assessmentv1.GetCandidacyResponse{}
		err := w.call(ctx, asCentre, "GET", "/v1/sessions/"+session+"/candidacies/"+candidacy, nil, got)
		return got.GetCandidacy().GetDossierSnapshotId() != "", err
	})
	if err != nil {
		t.Fatal(err)
	}
	scope := w.ccpCodes()
	failed := map[string]bool{"CCP2": true}
	if err := w.open(ctx, session); err != nil {
		t.Fatal(err)
	}
	if err := w.evaluate(ctx, session, candidacy, scope, failed); err != nil {
		t.Fatal(err)
	}
	if _, err := w.deliberate(ctx, session, candidacy, scope, failed); err != nil {
		t.Fatal(err)
	}
	minutes, err := w.signMinutes(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.validate(ctx, session, minutes.GetContentHash()); err != nil {
		t.Fatal(err)
	}

	// The results: the decisions with the motivation, the livret, its
	// public page.
	tab.Open(s.base + "/candidat/resultats")
	for i := 0; !strings.Contains(tab.MainText(), "Livret de certification"); i++ {
		if i == 100 {
			t.Fatalf("no livret on the results page: %s", tab.MainText())
		}
		time.Sleep(100 * time.Millisecond)
		tab.Open(s.base + "/candidat/resultats")
	}
	text := strings.ToLower(tab.MainText()) // badges are in capitals
	for _, want := range []string{"non obtenu", "compétences non démontrées lors de la mise en situation.", "réussite partielle"} {
		if !strings.Contains(text, want) {
			t.Errorf("results page lacks %q", want)
		}
	}
	tab.Check("candidat-resultats")
	number := tab.String(`document.querySelector(".fr-card dd strong").textContent`)
	// The link to the livret's verifiable credentials answers, in the
	// person's session: a JSON file with one credential per CCP held.
	creds := "/candidat/certificats/" + number + "/attestations.json"
	if !tab.Has(`a[download][href="` + creds + `"]`) {
		t.Errorf("the results page lacks the link to the credentials %s", creds)
	}
	answer := tab.String(`fetch("` + creds + `").then(async r => r.status + " " + r.headers.get("content-type") + " " +
		(await r.json()).credentials.filter(c => c.kind === "CCP" && c.jws.split(".").length === 3).length)`)
	if !strings.HasPrefix(answer, "200 application/json ") || strings.HasSuffix(answer, " 0") {
		t.Errorf("the credentials link answers %q", answer)
	}
	tab.Follow(s.base + "/verifier/" + number)
	if !tab.Has(`[data-verdict="valide"]`) || !strings.Contains(tab.MainText(), "Livret de certification") {
		t.Errorf("verification of %s: %s", number, tab.MainText())
	}
	tab.Check("candidat-verification")

	// The livret's QR code opens the same page with its signed proof after
	// the "#": the page checks it in the browser with the published keys
	// and shows what it asserts; a proof altered by one character is
	// called forged, and a genuine proof of another number is told apart.
	parchment := s.call(t, "GET", "/v1/certificates/"+number+"/parchment", w.tokens[asMinistry], nil)
	if parchment.status != http.StatusOK {
		t.Fatalf("parchment: HTTP %d %.200s", parchment.status, parchment.body)
	}
	qr := pdftext.QRCode(t, parchment.body)
	_, proof, _ := strings.Cut(qr, "#")
	page := s.base + "/verifier/" + number + "#"
	openProof := func(url string) {
		tab.Open(s.base + "/verifier") // changing the fragment alone would load nothing
		tab.Open(url)
	}
	openProof(page + proof)
	if got := waitForProof(t, tab); got != "authentique" || !strings.Contains(tab.MainText(), "Preuve authentique") ||
		!strings.Contains(tab.MainText(), "Comparez ce que la preuve atteste") || !strings.Contains(tab.MainText(), "12 mars 1994") {
		t.Errorf("the QR proof checked in the browser: %q\n%s", got, tab.MainText())
	}
	tab.Check("verification-preuve-qr")
	payload, sig, _ := strings.Cut(proof, ".")
	flipped := "A"
	if sig[10] == 'A' {
		flipped = "B"
	}
	openProof(page + payload + "." + sig[:10] + flipped + sig[11:]) // the signature no longer matches
	if got := waitForProof(t, tab); got != "falsifiee" {
		t.Errorf("a tampered proof in the browser: %q\n%s", got, tab.MainText())
	}
	openProof(s.base + "/verifier/TP-2026-0000-0000-6#" + proof)
	if got := waitForProof(t, tab); got != "autre-numero" {
		t.Errorf("another number's proof in the browser: %q\n%s", got, tab.MainText())
	}
}

// waitForProof waits for the verification page's script to give its
// verdict on the QR proof, and returns it.
func waitForProof(t *testing.T, tab *browsertest.Tab) string {
	t.Helper()
	for i := 0; i < 100; i++ {
		if got := tab.String(`(document.querySelector("[data-proof]") || {getAttribute: () => ""}).getAttribute("data-proof") || ""`); got != "" {
			return got
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the page gave no verdict on the QR proof: %s", tab.MainText())
	return ""
}

// setValue sets a date input's value (typing into a date picker depends on
// the browser's locale).
func setValue(tab *browsertest.Tab, id, value string) {
	tab.Eval(fmt.Sprintf(`document.getElementById(%q).value = %q`, id, value), nil)
}

// upload chooses the file for the upload form's file input.
func upload(t *testing.T, tab *browsertest.Tab, path string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.Context(), 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.SetUploadFiles(chromedp.CSS(`#fichier`), []string{path})); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path string, content []byte) {
	t.Helper()
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
}
