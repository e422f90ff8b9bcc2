package cpfdeposit_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"

	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
)

var (
	testConfig = cpfdeposit.Config{
		EmitterClientID: "03VML243", CertifierClientID: "03VML243", ContractID: "MCFCER002304",
		Depositor: "CERTIFICATEUR",
	}
	testTime = time.Date(2026, 12, 6, 14, 30, 0, 0, time.FixedZone("CET", 3600))
)

func testAward(id, rncp string) cpfdeposit.Award {
	return cpfdeposit.Award{
		ID: id, RNCPID: rncp, AwardDate: "2026-11-20", Access: cpfdeposit.AccessVAE,
		ExamStart: "2026-11-18", ExamEnd: "2026-11-19", ExamCentrePostalCode: "75013",
		Holder: cpfdeposit.Holder{
			BirthName: "Martin", UsageName: "Durand", FirstNames: []string{"Claire", "Anne"},
			BirthDate: "1985-03-07", Sex: cpfdeposit.Female, BirthInseeCode: "69123",
			BirthCommune: "Lyon", BirthCountryCode: "FRA", BirthCountry: "France",
		},
	}
}

func mustBuild(t *testing.T, awards ...cpfdeposit.Award) string {
	t.Helper()
	out, err := cpfdeposit.Build(testConfig, "flux-1", testTime, awards)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return string(out)
}

// The deposit holds one certification per RNCP code, in code order, with
// its passages in idTechnique order, whatever the order of the awards: the
// same awards give the same bytes.
func TestR56_DepositIsBatchedByCertificationAndDeterministic(t *testing.T) {
	a := []cpfdeposit.Award{
		testAward("b2", "RNCP37274"), testAward("a1", "RNCP35830"), testAward("a0", "RNCP37274"),
	}
	got := mustBuild(t, a...)
	reversed := slices.Clone(a)
	slices.Reverse(reversed)
	if again := mustBuild(t, reversed...); again != got {
		t.Errorf("the order of the awards changed the file:\n%s\n---\n%s", got, again)
	}
	var order []string
	for _, s := range []string{"<code>RNCP35830</code>", "<idTechnique>TP-a1</idTechnique>",
		"<code>RNCP37274</code>", "<idTechnique>TP-a0</idTechnique>", "<idTechnique>TP-b2</idTechnique>"} {
		i := strings.Index(got, s)
		if i < 0 {
			t.Fatalf("%s missing from\n%s", s, got)
		}
		order = append(order, s)
		if len(order) > 1 && i < strings.Index(got, order[len(order)-2]) {
			t.Errorf("%s comes before %s", s, order[len(order)-2])
		}
	}
	if n := strings.Count(got, "<certification>"); n != 2 {
		t.Errorf("%d certification elements, want 2", n)
	}
}

// An award's idTechnique depends on the award id alone: exporting it again,
// alone or with others, gives the same id, and the id leads back to it.
func TestR56_IDTechniqueIsStableAcrossExports(t *testing.T) {
	first := mustBuild(t, testAward("3f2a-award", "RNCP37274"))
	second := mustBuild(t, testAward("0000-other", "RNCP37274"), testAward("3f2a-award", "RNCP37274"))
	want := "<idTechnique>" + cpfdeposit.IDTechnique("3f2a-award") + "</idTechnique>"
	if !strings.Contains(first, want) || !strings.Contains(second, want) {
		t.Errorf("%s not in both exports", want)
	}
	if id, ok := cpfdeposit.AwardID(cpfdeposit.IDTechnique("3f2a-award")); !ok || id != "3f2a-award" {
		t.Errorf("AwardID(IDTechnique) = %q, %v", id, ok)
	}
	for _, foreign := range []string{"1979262", "TP-", ""} {
		if id, ok := cpfdeposit.AwardID(foreign); ok {
			t.Errorf("AwardID(%q) = %q, true; want false", foreign, id)
		}
	}
}

// The fields every titre professionnel deposit carries, and the nillable
// elements sent as xsi:nil rather than left out.
func TestR56_DepositFields(t *testing.T) {
	a := testAward("x1", "RNCP37274")
	a.Holder.UsageName = ""
	a.Holder.FirstNames = []string{"Claire", "Anne", "Marie"}
	a.Access = cpfdeposit.AccessUnknown
	got := mustBuild(t, a)
	for _, want := range []string{
		`<?xml version="1.0" encoding="UTF-8"?>`,
		`<flux xmlns="urn:cdc:cpf:pc5:schema:1.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
		`<idFlux>flux-1</idFlux>`,
		`<horodatage>2026-12-06T14:30:00+01:00</horodatage>`,
		`<idContrat>MCFCER002304</idContrat>`,
		`<type>RNCP</type>`,
		`<natureDeposant>CERTIFICATEUR</natureDeposant>`,
		`<obtentionCertification>PAR_ADMISSION</obtentionCertification>`,
		`<donneeCertifiee>true</donneeCertifiee>`,
		`<dateDebutExamen>2026-11-18</dateDebutExamen>`,
		`<codePostalCentreExamen>75013</codePostalCentreExamen>`,
		`<dateDebutValidite>2026-11-20</dateDebutValidite>`,
		`<dateFinValidite xsi:nil="true"></dateFinValidite>`,
		`<presenceNiveauLangueEuro>false</presenceNiveauLangueEuro>`,
		`<presenceNiveauNumeriqueEuro>false</presenceNiveauNumeriqueEuro>`,
		`<scoring xsi:nil="true"></scoring>`,
		`<mentionValidee xsi:nil="true"></mentionValidee>`,
		`<modaliteAcces xsi:nil="true"></modaliteAcces>`,
		`<nomNaissance>Martin</nomNaissance>`,
		`<nomUsage xsi:nil="true"></nomUsage>`,
		`<prenom3>Marie</prenom3>`,
		`<anneeNaissance>1985</anneeNaissance>`,
		`<moisNaissance>3</moisNaissance>`,
		`<jourNaissance>7</jourNaissance>`,
		`<sexe>F</sexe>`,
		`<codeInsee>69123</codeInsee>`,
		`<codePaysNaissance>FRA</codePaysNaissance>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	a.Access = cpfdeposit.AccessVAE
	if got := mustBuild(t, a); !strings.Contains(got, "<modaliteAcces>VAE</modaliteAcces>") {
		t.Errorf("access route not sent:\n%s", got)
	}
}

// Build refuses what the Caisse's schema would refuse, naming the field:
// a file that fails the schema is rejected whole.
func TestR56_MissingOrBadFieldIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*cpfdeposit.Config, *cpfdeposit.Award)
		field  string
	}{
		{"emitter id", func(c *cpfdeposit.Config, _ *cpfdeposit.Award) { c.EmitterClientID = "" }, "config.emitter_client_id"},
		{"certifier id length", func(c *cpfdeposit.Config, _ *cpfdeposit.Award) { c.CertifierClientID = "03VML24" }, "config.certifier_client_id"},
		{"contract too long", func(c *cpfdeposit.Config, _ *cpfdeposit.Award) { c.ContractID = strings.Repeat("C", 21) }, "config.contract_id"},
		{"depositor", func(c *cpfdeposit.Config, _ *cpfdeposit.Award) { c.Depositor = "OF" }, "config.depositor"},
		{"award id", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.ID = "" }, "awards[0].id"},
		{"rncp code", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.RNCPID = "37274" }, "awards[0].rncp_id"},
		{"award date", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.AwardDate = "" }, "awards[0].award_date"},
		{"award date format", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.AwardDate = "20/11/2026" }, "awards[0].award_date"},
		{"access route", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Access = "APPRENTISSAGE" }, "awards[0].access"},
		{"exam date", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.ExamEnd = "2026-13-01" }, "awards[0].exam_end"},
		{"birth name", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Holder.BirthName = "" }, "awards[0].holder.birth_name"},
		{"birth name too long", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Holder.BirthName = strings.Repeat("é", 61) }, "awards[0].holder.birth_name"},
		{"usage name too long", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Holder.UsageName = strings.Repeat("x", 61) }, "awards[0].holder.usage_name"},
		{"no first name", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Holder.FirstNames = nil }, "awards[0].holder.first_names"},
		{"four first names", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Holder.FirstNames = []string{"a", "b", "c", "d"} }, "awards[0].holder.first_names"},
		{"empty first name", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Holder.FirstNames = []string{"a", ""} }, "awards[0].holder.first_names[1]"},
		{"birth date", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Holder.BirthDate = "" }, "awards[0].holder.birth_date"},
		{"birth year", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Holder.BirthDate = "1899-12-31" }, "awards[0].holder.birth_date"},
		{"sex", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Holder.Sex = "" }, "awards[0].holder.sex"},
		{"sex value", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Holder.Sex = "X" }, "awards[0].holder.sex"},
		{"insee code", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Holder.BirthInseeCode = "" }, "awards[0].holder.birth_insee_code"},
		{"insee code pattern", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Holder.BirthInseeCode = "6912" }, "awards[0].holder.birth_insee_code"},
		{"country code", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Holder.BirthCountryCode = "FR" }, "awards[0].holder.birth_country_code"},
		{"commune too long", func(_ *cpfdeposit.Config, a *cpfdeposit.Award) { a.Holder.BirthCommune = strings.Repeat("x", 61) }, "awards[0].holder.birth_commune"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, a := testConfig, testAward("a1", "RNCP37274")
			tc.change(&cfg, &a)
			out, err := cpfdeposit.Build(cfg, "flux-1", testTime, []cpfdeposit.Award{a})
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalidArgument || ae.Rule != "R56" {
				t.Fatalf("Build = %s, %v; want an invalid-argument error of R56", out, err)
			}
			if !slices.ContainsFunc(ae.Violations, func(v apperr.FieldViolation) bool { return v.Field == tc.field }) {
				t.Errorf("violations %+v do not name %s", ae.Violations, tc.field)
			}
			if !strings.Contains(ae.Message, tc.field) {
				t.Errorf("message %q does not name %s", ae.Message, tc.field)
			}
		})
	}
}

// Every bad field is reported at once, and an empty or duplicated batch is
// refused.
func TestR56_BatchRefusals(t *testing.T) {
	a, b := testAward("a1", "RNCP37274"), testAward("a2", "RNCP37274")
	a.Holder.Sex, b.Holder.BirthInseeCode = "", ""
	_, err := cpfdeposit.Build(testConfig, "", testTime, []cpfdeposit.Award{a, b})
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("Build: %v", err)
	}
	var fields []string
	for _, v := range ae.Violations {
		fields = append(fields, v.Field)
	}
	want := []string{"flux_id", "awards[0].holder.sex", "awards[1].holder.birth_insee_code"}
	if !slices.Equal(fields, want) {
		t.Errorf("fields %v, want %v", fields, want)
	}
	for _, tc := range []struct {
		awards []cpfdeposit.Award
		field  string
	}{
		{nil, "awards"},
		{[]cpfdeposit.Award{testAward("a1", "RNCP37274"), testAward("a1", "RNCP35830")}, "awards[1].id"},
	} {
		_, err := cpfdeposit.Build(testConfig, "flux-1", testTime, tc.awards)
		if !errors.As(err, &ae) || len(ae.Violations) != 1 || ae.Violations[0].Field != tc.field {
			t.Errorf("Build(%d awards) = %v, want one violation of %s", len(tc.awards), err, tc.field)
		}
	}
}

// Names are escaped, not cut, and a name of exactly 60 characters (counted
// as characters, not bytes) is accepted.
func TestR56_TextIsEscapedAndCountedInCharacters(t *testing.T) {
	a := testAward("a1", "RNCP37274")
	a.Holder.BirthName = strings.Repeat("é", 59) + "&"
	got := mustBuild(t, a)
	if !strings.Contains(got, "<nomNaissance>"+strings.Repeat("é", 59)+"&amp;</nomNaissance>") {
		t.Errorf("birth name not escaped whole:\n%s", got)
	}
	if !bytes.HasSuffix([]byte(got), []byte("</flux>\n")) {
		t.Errorf("file does not end with the root element and a newline")
	}
}
