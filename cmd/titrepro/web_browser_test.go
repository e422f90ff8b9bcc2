package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/gateway/web/browsertest"
)

// The web application in Chromium against `titrepro serve` (the harness's
// startServer): every screen is screenshotted at two sizes and checked with
// axe-core (browsertest.Tab.Check).

// firstPageBudget is the most the home page may transfer on a first visit,
// everything it loads included (issue 7: < 200 KiB).
const firstPageBudget = 200 << 10

func TestWebPublicPagesInTheBrowser(t *testing.T) {
	b := browsertest.Start(t)
	s := startServer(t, testConfig(t, t.TempDir()))
	tab := b.NewTab(t)

	if status := tab.Open(s.base + "/"); status != http.StatusOK {
		t.Fatalf("home = %d", status)
	}
	if title := tab.Title(); title != "Accueil — titrepro" {
		t.Errorf("home title = %q", title)
	}
	if !strings.Contains(tab.MainText(), "Vérifier un certificat") {
		t.Errorf("the home page does not offer the certificate verification")
	}
	tab.Check("accueil")
	bytes := tab.TransferredBytes()
	t.Logf("first page: %d bytes transferred (%.1f KiB), budget %d KiB", bytes, float64(bytes)/1024, firstPageBudget>>10)
	if bytes == 0 || bytes > firstPageBudget {
		t.Errorf("first page transferred %d bytes; want 1 to %d", bytes, firstPageBudget)
	}
	var fonts int
	tab.Eval(`performance.getEntriesByType("resource").filter(e => /\.woff2?$/.test(e.name)).length`, &fonts)
	if fonts != 0 {
		t.Errorf("%d font files loaded; the default is the system fonts", fonts)
	}

	// The verification page, from the main navigation.
	if status := tab.Follow("Vérifier un certificat"); status != http.StatusOK || !strings.HasSuffix(tab.URL(), "/verifier") {
		t.Fatalf("navigation to the verification page: %d at %s", status, tab.URL())
	}
	tab.Check("verifier")
	if status := tab.Follow("Vérifier"); status != http.StatusUnprocessableEntity {
		t.Errorf("empty number: %d; want 422", status)
	}
	if f := tab.Focused(); f.ID != "" || !tab.Has("[data-error-summary]:focus") {
		t.Errorf("the error summary does not have the focus (focus on %+v)", f)
	}
	if title := tab.Title(); !strings.HasPrefix(title, "Erreur : ") {
		t.Errorf("title with errors = %q", title)
	}
	tab.Check("verifier-erreur")
	// Well-formed (its check symbol matches) but issued to nobody.
	tab.Fill("Numéro du certificat", "tp-2026-0000-0000-6")
	if status := tab.Follow("Vérifier"); status != http.StatusOK {
		t.Fatalf("verification = %d", status)
	}
	if !tab.Has(`[data-verdict="invalide"]`) || !strings.Contains(tab.MainText(), "Aucun certificat ne porte ce numéro") {
		t.Errorf("verdict page: %s", tab.MainText())
	}
	if !strings.HasSuffix(tab.URL(), "/verifier/TP-2026-0000-0000-6") {
		t.Errorf("the verdict's address is %s; want /verifier/TP-2026-0000-0000-6", tab.URL())
	}
	tab.Check("verifier-invalide")

	if status := tab.Open(s.base + "/nulle-part"); status != http.StatusNotFound || !strings.Contains(tab.MainText(), "Page introuvable") {
		t.Errorf("unknown page = %d", status)
	}
	tab.Check("page-introuvable")
	tab.Open(s.base + "/accessibilite")
	tab.Check("accessibilite")
}

func TestWebKeyboardInTheBrowser(t *testing.T) {
	b := browsertest.Start(t)
	s := startServer(t, testConfig(t, t.TempDir()))
	tab := b.NewTab(t)
	tab.Open(s.base + "/")

	// The first Tab reaches the skip link, which shows its focus; Enter
	// moves the focus to the main content.
	tab.Press(browsertest.KeyTab)
	if f := tab.Focused(); f.Text != "Aller au contenu" || !f.Outline {
		t.Fatalf("first Tab focuses %+v; want the visible skip link", f)
	}
	tab.Press(browsertest.KeyEnter)
	if f := tab.Focused(); f.ID != "contenu" {
		t.Errorf("after the skip link the focus is on %+v; want <main id=contenu>", f)
	}
	tab.Press(browsertest.KeyTab)
	if f := tab.Focused(); f.Tag != "a" || !f.Outline || tab.Has("header :focus") {
		t.Errorf("Tab after the skip link focuses %+v; want a visibly focused link of the content", f)
	}

	// The verification form with the keyboard alone.
	tab.Open(s.base + "/verifier")
	reached := false
	for range 40 {
		tab.Press(browsertest.KeyTab)
		f := tab.Focused()
		if !f.Outline && f.Tag != "body" {
			t.Errorf("%+v has the focus but shows no focus ring", f)
		}
		if f.ID == "numero" {
			reached = true
			break
		}
	}
	if !reached {
		t.Fatal("40 Tabs did not reach the certificate number field")
	}
	tab.Press("TP-2026-0000-0000-0")
	if status := tab.PressAndFollow(browsertest.KeyEnter); status != http.StatusOK || !tab.Has(`[data-verdict]`) {
		t.Errorf("Enter in the number field: %d, verdict shown: %t", status, tab.Has(`[data-verdict]`))
	}
}

// TestWebLoginInTheBrowser logs in through the development login page as a
// centre user, sees the account page, and logs out.
func TestWebLoginInTheBrowser(t *testing.T) {
	b := browsertest.Start(t)
	s := startServer(t, testConfig(t, t.TempDir()))
	tab := b.NewTab(t)
	if status := tab.Login(s.base, "centre", "centre-lyon", "CENTRE-69-001", "/compte"); status != http.StatusOK || !strings.HasSuffix(tab.URL(), "/compte") {
		t.Fatalf("login landed on %s (%d); want /compte", tab.URL(), status)
	}
	text := tab.MainText()
	for _, want := range []string{"centre-lyon", "Centre d’examen", "CENTRE-69-001"} {
		if !strings.Contains(text, want) {
			t.Errorf("account page lacks %q: %s", want, text)
		}
	}
	tab.Check("mon-compte")
	tab.Follow("Se déconnecter")
	tab.Open(s.base + "/compte")
	if !strings.Contains(tab.URL(), "/oauth/authorize") {
		t.Errorf("after logout /compte led to %s; want the login page", tab.URL())
	}
}
