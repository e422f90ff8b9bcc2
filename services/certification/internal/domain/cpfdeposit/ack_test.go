package cpfdeposit_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
)

// R56: the processing report gives each passage OK, or KO with the
// Caisse's message; a duplicate ("existe déjà en base") is a deposited
// award, and only the other KO passages are sent again.
func TestR56_AcknowledgementByIDTechnique(t *testing.T) {
	f, err := os.Open("testdata/acknowledgement.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ack, err := cpfdeposit.ParseAcknowledgement(f)
	if err != nil {
		t.Fatal(err)
	}
	if ack.FileName != "titrepro-cpf-20261206-143000.xml" || ack.FluxID != "0b6f3a52-6d1e-4c1b-9a55-2f7d0c1e8a10" || ack.ProcessingID != "81234" {
		t.Errorf("header = %q %q %q", ack.FileName, ack.FluxID, ack.ProcessingID)
	}
	want := []cpfdeposit.PassageResult{
		{IDTechnique: "TP-award-2", AwardID: "award-2", Outcome: cpfdeposit.Rejected,
			Message: "Aucun titulaire ne correspond aux critères obligatoires"},
		{IDTechnique: "TP-award-3", AwardID: "award-3", Outcome: cpfdeposit.AlreadyKnown,
			Message: "Le passage certification avec le bcr émetteur 03VML243 et l'id technique partenaire TP-award-3 existe déjà en base"},
		{IDTechnique: "TP-award-4", AwardID: "award-4", Outcome: cpfdeposit.Rejected,
			Message: "Aucun titulaire ne correspond aux critères obligatoires enrichis du jour et du mois de naissance"},
		{IDTechnique: "TP-award-1", AwardID: "award-1", Outcome: cpfdeposit.Accepted},
		{IDTechnique: "TP-award-5", AwardID: "award-5", Outcome: cpfdeposit.Accepted},
	}
	if !slices.Equal(ack.Passages, want) {
		t.Errorf("passages =\n%+v\nwant\n%+v", ack.Passages, want)
	}
	if ok, ko := ack.Counts(); ok != 3 || ko != 2 {
		t.Errorf("Counts = %d deposited, %d rejected; want 3, 2", ok, ko)
	}
	var resend []string
	for _, p := range ack.ToResend() {
		resend = append(resend, p.AwardID)
	}
	if !slices.Equal(resend, []string{"award-2", "award-4"}) {
		t.Errorf("ToResend = %v, want award-2 and award-4", resend)
	}
}

func TestR56_AcknowledgementVariants(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []cpfdeposit.PassageResult
	}{
		{"lower-case lists and a namespace",
			`<r:rapport xmlns:r="urn:cdc:cpf:pc5:rapport:schema"><r:passagesOK><r:idTechnique>TP-a</r:idTechnique></r:passagesOK>` +
				`<r:passagesKO><r:passage><r:idTechnique> TP-b </r:idTechnique><r:messageErreur>Erreur de réconciliation</r:messageErreur></r:passage></r:passagesKO></r:rapport>`,
			[]cpfdeposit.PassageResult{
				{IDTechnique: "TP-a", AwardID: "a", Outcome: cpfdeposit.Accepted},
				{IDTechnique: "TP-b", AwardID: "b", Outcome: cpfdeposit.Rejected, Message: "Erreur de réconciliation"},
			}},
		{"listed KO then OK counts as deposited",
			`<rapport><PassagesKO><passage><idTechnique>TP-a</idTechnique><messageErreur>x</messageErreur></passage></PassagesKO>` +
				`<PassagesOK><idTechnique>TP-a</idTechnique></PassagesOK></rapport>`,
			[]cpfdeposit.PassageResult{{IDTechnique: "TP-a", AwardID: "a", Outcome: cpfdeposit.Accepted}}},
		{"listed OK then KO stays deposited",
			`<rapport><PassagesOK><idTechnique>TP-a</idTechnique></PassagesOK>` +
				`<PassagesKO><passage><idTechnique>TP-a</idTechnique><messageErreur>x</messageErreur></passage></PassagesKO></rapport>`,
			[]cpfdeposit.PassageResult{{IDTechnique: "TP-a", AwardID: "a", Outcome: cpfdeposit.Accepted}}},
		{"already known without accents",
			`<rapport><PassagesKO><passage><idTechnique>TP-a</idTechnique><messageErreur>Le passage EXISTE DEJA en base</messageErreur></passage></PassagesKO></rapport>`,
			[]cpfdeposit.PassageResult{{IDTechnique: "TP-a", AwardID: "a", Outcome: cpfdeposit.AlreadyKnown, Message: "Le passage EXISTE DEJA en base"}}},
		{"passage not made by titrepro",
			`<rapport><PassagesOK><idTechnique>1968666</idTechnique></PassagesOK></rapport>`,
			[]cpfdeposit.PassageResult{{IDTechnique: "1968666", Outcome: cpfdeposit.Accepted}}},
		{"empty report", `<rapport><nomFichier>f.xml</nomFichier></rapport>`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ack, err := cpfdeposit.ParseAcknowledgement(strings.NewReader(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ack.Passages, tc.want) {
				t.Errorf("passages =\n%+v\nwant\n%+v", ack.Passages, tc.want)
			}
		})
	}
}

func TestR56_AcknowledgementRefusals(t *testing.T) {
	for _, tc := range []struct{ name, doc string }{
		{"empty", ""},
		{"another document", `<flux xmlns="urn:cdc:cpf:pc5:schema:1.0.0"><idFlux>x</idFlux></flux>`},
		{"malformed", `<rapport><PassagesOK><idTechnique>TP-a</PassagesOK></rapport>`},
		{"passage without id", `<rapport><PassagesKO><passage><messageErreur>x</messageErreur></passage></PassagesKO></rapport>`},
		{"empty OK id", `<rapport><PassagesOK><idTechnique> </idTechnique></PassagesOK></rapport>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ack, err := cpfdeposit.ParseAcknowledgement(strings.NewReader(tc.doc))
			if err == nil {
				t.Fatalf("accepted: %+v", ack)
			}
			if tc.name == "another document" && !errors.Is(err, cpfdeposit.ErrNotAnAcknowledgement) {
				t.Errorf("err = %v, want ErrNotAnAcknowledgement", err)
			}
		})
	}
}
