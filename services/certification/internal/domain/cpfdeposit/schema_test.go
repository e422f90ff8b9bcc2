package cpfdeposit_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
)

// schemaFile is titrepro's schema of the deposit, written from the
// Caisse's field list (docs/cpf-deposit.md).
const schemaFile = "testdata/cpf-deposit.xsd"

// xmllint returns the path of libxml2's xmllint (Debian libxml2-utils). The
// CI installs it (.ci/run): there a missing xmllint fails the test rather
// than skipping it.
func xmllint(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is not installed: the deposit cannot be checked against its schema (CI needs libxml2-utils)")
		}
		t.Skip("xmllint is not installed (Debian package libxml2-utils): the deposit is not checked against its schema")
	}
	return path
}

// validate runs xmllint on doc and returns its output and whether the
// document is valid.
func validate(t *testing.T, lint, doc string) (string, bool) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "deposit.xml")
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(lint, "--noout", "--schema", schemaFile, file).CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("xmllint: %v", err)
		}
		return string(out), false
	}
	return string(out), true
}

// R56: a file that fails the Caisse's schema is unusable whole, so every
// file Build emits validates: several certifications, every optional
// element present or absent, nil elements, a holder with one to three
// first names.
func TestR56_DepositValidatesAgainstSchema(t *testing.T) {
	lint := xmllint(t)
	minimal := testAward("min", "RNCP35830")
	minimal.Access, minimal.ExamStart, minimal.ExamEnd, minimal.ExamCentrePostalCode = "", "", "", ""
	minimal.Holder = cpfdeposit.Holder{BirthName: "Nguyen", FirstNames: []string{"Lan"},
		BirthDate: "2001-12-25", Sex: cpfdeposit.Male, BirthInseeCode: "99243"}
	full := testAward("full", "RNCP37274")
	full.Holder.FirstNames = []string{"Claire", "Anne", "Marie"}
	full.Holder.BirthInseeCode = "2A004"
	for name, awards := range map[string][]cpfdeposit.Award{
		"one award":          {testAward("a1", "RNCP37274")},
		"minimal and full":   {minimal, full},
		"two certifications": {testAward("a1", "RNCP37274"), testAward("a2", "RNCP35830"), testAward("a3", "RNCP37274")},
	} {
		t.Run(name, func(t *testing.T) {
			doc := mustBuild(t, awards...)
			if out, ok := validate(t, lint, doc); !ok {
				t.Errorf("the deposit fails the schema:\n%s\n%s", out, doc)
			}
		})
	}
	cfg := testConfig
	cfg.Depositor = ""
	doc, err := cpfdeposit.Build(cfg, strings.Repeat("f", 50), testTime, []cpfdeposit.Award{minimal})
	if err != nil {
		t.Fatal(err)
	}
	if out, ok := validate(t, lint, string(doc)); !ok {
		t.Errorf("the deposit without natureDeposant fails the schema:\n%s\n%s", out, doc)
	}
}

// The schema itself refuses what the Caisse refuses: each case changes one
// thing in a valid file and must fail, so that a test passing above means
// something.
func TestR56_SchemaRefusesBadDeposits(t *testing.T) {
	lint := xmllint(t)
	valid := mustBuild(t, testAward("a1", "RNCP37274"))
	if out, ok := validate(t, lint, valid); !ok {
		t.Fatalf("the base file fails the schema:\n%s", out)
	}
	for _, tc := range []struct{ name, old, new string }{
		{"birth name over 60 characters", "<nomNaissance>Martin</nomNaissance>",
			"<nomNaissance>" + strings.Repeat("é", 61) + "</nomNaissance>"},
		{"client id not 8 characters", "<idClient>03VML243</idClient>", "<idClient>03VML2430</idClient>"},
		{"contract over 20 characters", "<idContrat>MCFCER002304</idContrat>", "<idContrat>MCFCER0023040000000000X</idContrat>"},
		{"sex outside M and F", "<sexe>F</sexe>", "<sexe>X</sexe>"},
		{"INSEE code of 4 characters", "<codeInsee>69123</codeInsee>", "<codeInsee>6912</codeInsee>"},
		{"timestamp without offset", "<horodatage>2026-12-06T14:30:00+01:00</horodatage>", "<horodatage>2026-12-06T14:30:00</horodatage>"},
		{"timestamp with fraction", "<horodatage>2026-12-06T14:30:00+01:00</horodatage>", "<horodatage>2026-12-06T14:30:00.5+01:00</horodatage>"},
		{"award date with time", "<dateDebutValidite>2026-11-20</dateDebutValidite>", "<dateDebutValidite>2026-11-20T00:00:00</dateDebutValidite>"},
		{"unknown access route", "<modaliteAcces>VAE</modaliteAcces>", "<modaliteAcces>APPRENTISSAGE</modaliteAcces>"},
		{"birth month 13", "<moisNaissance>3</moisNaissance>", "<moisNaissance>13</moisNaissance>"},
		{"missing nillable end of validity", `<dateFinValidite xsi:nil="true"></dateFinValidite>`, ""},
		{"empty end of validity without nil", `<dateFinValidite xsi:nil="true"></dateFinValidite>`, "<dateFinValidite></dateFinValidite>"},
		{"missing idTechnique", "<idTechnique>TP-a1</idTechnique>", ""},
		{"empty idTechnique", "<idTechnique>TP-a1</idTechnique>", "<idTechnique></idTechnique>"},
		{"idTechnique over 255 characters", "<idTechnique>TP-a1</idTechnique>", "<idTechnique>" + strings.Repeat("x", 256) + "</idTechnique>"},
		{"sex not nillable", "<sexe>F</sexe>", `<sexe xsi:nil="true"></sexe>`},
		{"holder in two branches", "</titulaire>", "</titulaire><dossierFormation><idDossier>1</idDossier><nomTitulaire>M</nomTitulaire><prenom1Titulaire>C</prenom1Titulaire></dossierFormation>"},
		{"INSEE and postal code together", "</codeInseeNaissance>", "</codeInseeNaissance><codePostalNaissance><codePostal>69001</codePostal></codePostalNaissance>"},
		{"second certifier", "</certificateur>", "</certificateur><certificateur><idClient>03VML243</idClient><idContrat>X</idContrat><certifications></certifications></certificateur>"},
		{"no namespace", `xmlns="urn:cdc:cpf:pc5:schema:1.0.0" `, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(valid, tc.old) {
				t.Fatalf("%s is not in the base file", tc.old)
			}
			doc := strings.Replace(valid, tc.old, tc.new, 1)
			if out, ok := validate(t, lint, doc); ok {
				t.Errorf("the schema accepted it:\n%s", out)
			}
		})
	}
}
