package pdfdoc_test

import (
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/pdfdoc"
	"github.com/titrepro/titrepro/internal/pdfdoc/pdftext"
)

// TestFrenchTextSurvivesExtraction writes French with every accent a name
// or a motivation may carry and reads it back with a real extractor.
func TestFrenchTextSurvivesExtraction(t *testing.T) {
	t.Parallel()
	french := "Élodie Lefèvre-Müller, cœur « à l’œuvre » : ça été déjà reçu, naïve, où, Noël, ÀÂÇÈÉÊËÎÏÔÙÛÜŸ, 12 €"
	d := pdfdoc.New("Procès-verbal", "Empreinte : abc", time.Date(2026, 6, 3, 0, 0, 0, 0, time.UTC))
	d.Title("Procès-verbal de délibération")
	d.Field("Candidat", french)
	d.Text(4, strings.Repeat("motivation très longue qui se replie sur plusieurs lignes ", 8))
	d.Fingerprint("Empreinte SHA-256", strings.Repeat("0123456789abcdef", 4))
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatal("not a PDF")
	}
	text := pdftext.Extract(t, b)
	for _, want := range []string{"Procès-verbal de délibération", french, strings.Repeat("0123456789abcdef", 4),
		strings.TrimSpace(strings.Repeat("motivation très longue qui se replie sur plusieurs lignes ", 8)), "Page 1/1"} {
		if !strings.Contains(text, want) {
			t.Errorf("extracted text lacks %q:\n%s", want, text)
		}
	}
}

func TestCivilDateFR(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"2026-06-03": "03/06/2026", "": "", "juin": "juin"} {
		if got := pdfdoc.CivilDateFR(in); got != want {
			t.Errorf("CivilDateFR(%q) = %q; want %q", in, got, want)
		}
	}
}
