package pdf_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/pdfdoc/pdftext"
	"github.com/titrepro/titrepro/services/certification/internal/adapters/pdf"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

func signer(t *testing.T) *certificate.Signer {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := certificate.NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func livret(s *certificate.Signer, t *testing.T) certificate.Certificate {
	t.Helper()
	c := certificate.Certificate{
		Number: "TP-2026-ABCD-EFGH-X", Kind: certificate.Livret, CandidateID: "cand-1",
		Holder: certificate.Holder{BirthName: "Lefèvre", UsageName: "Dupont", GivenNames: []string{"Élodie", "Marie"},
			BirthDate: "1990-05-17", BirthCommune: "Lyon", BirthCountryCode: "FR"},
		TitleCode: "TP-00495", TitleVersion: "2008", TitleLabel: "Technicien supérieur gestionnaire exploitant de ressources informatiques", TitleLevel: 5,
		Ccps: []certificate.Ccp{
			{Code: "CCP1", Label: "Maintenir l'infrastructure", SessionID: "sess-1", JuryDate: "2026-03-01"},
			{Code: "CCP3", Label: "Sécuriser le réseau", SessionID: "sess-2", JuryDate: "2026-06-01"},
		},
		SessionID: "sess-2", JuryDate: "2026-06-01", IssueDate: "2026-06-03",
		IssuedAt: time.Date(2026, 6, 3, 8, 0, 0, 0, time.UTC), Status: certificate.Issued,
	}
	if err := s.Sign(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

func parchment(t *testing.T, s *certificate.Signer, c certificate.Certificate, duplicate bool) query.Parchment {
	t.Helper()
	proof, err := s.SignProof(c)
	if err != nil {
		t.Fatal(err)
	}
	return query.Parchment{
		Certificate: c,
		Title:       catalogue.TitleVersion{Code: "TP-00495", Version: "2008", NSF: "326t", NSFLabel: "Programmation, mise en place de logiciels", RNCPID: "RNCP31115"},
		Proof:       proof, URL: certificate.VerificationURL("https://titrepro.example.fr", c.Number, proof),
		Duplicate: duplicate, PrintedAt: time.Date(2027, 1, 15, 10, 0, 0, 0, time.UTC),
	}
}

// TestParchmentPrintsEveryField: the livret de certification of a partial
// award prints the holder, the title (label, level, NSF, RNCP), the CCPs
// held with their session and jury date, the session, the number with its
// check symbol and the issue date, in French.
func TestParchmentPrintsEveryField(t *testing.T) {
	t.Parallel()
	s := signer(t)
	b, err := pdf.Printer{}.ParchmentPDF(parchment(t, s, livret(s, t), false))
	if err != nil {
		t.Fatal(err)
	}
	text := pdftext.Extract(t, b)
	for _, want := range []string{
		"Livret de certification",
		"Technicien supérieur gestionnaire exploitant de ressources informatiques",
		"Délivré à : Lefèvre Élodie Marie (nom d'usage : Dupont)",
		"Né(e) le : 17/05/1990 à Lyon",
		"Titre : TP-00495 (version 2008)",
		"Niveau : 5",
		"Code NSF : 326t — Programmation, mise en place de logiciels",
		"Fiche RNCP : RNCP31115",
		"Session : sess-2", "Date du jury : 01/06/2026",
		"Certificats de compétences professionnelles obtenus",
		"CCP1 — Maintenir l'infrastructure Session sess-1, jury du 01/03/2026",
		"CCP3 — Sécuriser le réseau Session sess-2, jury du 01/06/2026",
		"Numéro : TP-2026-ABCD-EFGH-X", "Délivré le : 03/06/2026",
		"https://titrepro.example.fr/verifier/TP-2026-ABCD-EFGH-X",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the parchment lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "DUPLICATA") {
		t.Error("an original is marked DUPLICATA")
	}
}

// TestParchmentDuplicateIsMarked: a duplicate says so, with its date of
// issue, and carries the same QR code as the original.
func TestParchmentDuplicateIsMarked(t *testing.T) {
	t.Parallel()
	s := signer(t)
	c := livret(s, t)
	c.Kind = certificate.Titre
	b, err := pdf.Printer{}.ParchmentPDF(parchment(t, s, c, true))
	if err != nil {
		t.Fatal(err)
	}
	text := pdftext.Extract(t, b)
	for _, want := range []string{"Titre professionnel", "DUPLICATA délivré le 15/01/2027", "Certificats de compétences professionnelles"} {
		if !strings.Contains(text, want) {
			t.Errorf("the duplicate lacks %q:\n%s", want, text)
		}
	}
	orig, _ := pdf.Printer{}.ParchmentPDF(parchment(t, s, c, false))
	if a, b := pdftext.QRCode(t, b), pdftext.QRCode(t, orig); a != b {
		t.Errorf("the duplicate's QR code %q differs from the original's %q", a, b)
	}
}

// TestParchmentQRCodeCarriesAVerifiableProof: the QR code read back from
// the PDF's image opens the public verification page of the number, and
// its proof verifies with the published keys alone; altered, it does not.
func TestParchmentQRCodeCarriesAVerifiableProof(t *testing.T) {
	t.Parallel()
	s := signer(t)
	c := livret(s, t)
	b, err := pdf.Printer{}.ParchmentPDF(parchment(t, s, c, false))
	if err != nil {
		t.Fatal(err)
	}
	url := pdftext.QRCode(t, b)
	if !strings.HasPrefix(url, "https://titrepro.example.fr/verifier/TP-2026-ABCD-EFGH-X#") {
		t.Fatalf("QR code holds %q", url)
	}
	proof, err := certificate.ProofFromURL(url)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Keyring().VerifyProof(proof)
	if err != nil {
		t.Fatalf("the proof read from the QR code does not verify: %v", err)
	}
	if p.Number != string(c.Number) || p.Kind != "LIVRET" || strings.Join(p.Ccps, ",") != "CCP1,CCP3" || p.Holder != c.Holder.HolderName() {
		t.Errorf("proof asserts %+v", p)
	}
	tampered := strings.Replace(proof, proof[10:11], flip(proof[10]), 1)
	if _, err := s.Keyring().VerifyProof(tampered); err == nil {
		t.Error("a tampered proof verifies")
	}
	if _, err := signer(t).Keyring().VerifyProof(proof); !errors.Is(err, certificate.ErrUnknownKey) {
		t.Errorf("another authority's keys: %v, want ErrUnknownKey", err)
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
