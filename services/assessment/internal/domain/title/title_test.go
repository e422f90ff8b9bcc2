package title_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

func tsgeri() title.Title {
	return title.Title{
		ID: "TP-00495", Version: "2008",
		CCPs: []title.CCP{
			{Code: "CCP1", Competences: []string{"CCP1-C1", "CCP1-C2"}},
			{Code: "CCP2", Competences: []string{"CCP2-C1"}},
			{Code: "CCP3", Competences: []string{"CCP3-C1", "CCP3-C2"}},
		},
		Epreuves: []title.Epreuve{
			{Kind: title.MiseEnSituation, SessionTypes: []title.SessionType{title.SessionTitre, title.SessionCCP}},
			{Kind: title.EntretienFinal, SessionTypes: []title.SessionType{title.SessionTitre}},
		},
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*title.Title)
		ok     bool
	}{
		{"published title", func(*title.Title) {}, true},
		{"R1: a title without CCP is refused", func(t *title.Title) { t.CCPs = nil }, false},
		{"missing version", func(t *title.Title) { t.Version = "" }, false},
		{"duplicate competence code", func(t *title.Title) { t.CCPs[1].Competences = []string{"CCP1-C1"} }, false},
		{"empty CCP code", func(t *title.Title) { t.CCPs[0].Code = "" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ti := tsgeri()
			tt.change(&ti)
			err := ti.Validate()
			if tt.ok != (err == nil) || (err != nil && !errors.Is(err, title.ErrInvalid)) {
				t.Fatalf("Validate() = %v; want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestStructure(t *testing.T) {
	t.Parallel()
	ti := tsgeri()
	if got := ti.InOrder([]string{"CCP3", "CCP1", "CCP9", "CCP1"}); !slices.Equal(got, []string{"CCP1", "CCP3"}) {
		t.Errorf("InOrder() = %v", got)
	}
	if got := ti.Competences([]string{"CCP3", "CCP2"}); !slices.Equal(got, []string{"CCP2-C1", "CCP3-C1", "CCP3-C2"}) {
		t.Errorf("Competences() = %v", got)
	}
	if got := ti.EpreuvesFor(title.SessionCCP); !slices.Equal(got, []title.EpreuveKind{title.MiseEnSituation}) {
		t.Errorf("R43: EpreuvesFor(CCP) = %v; want no entretien final", got)
	}
	if got := ti.EpreuvesFor(title.SessionTitre); !slices.Equal(got, []title.EpreuveKind{title.MiseEnSituation, title.EntretienFinal}) {
		t.Errorf("EpreuvesFor(TITRE) = %v", got)
	}
	if !ti.HasCCP("CCP2") || ti.HasCCP("CCP4") {
		t.Error("HasCCP is wrong")
	}
	if !slices.Equal(ti.CCPCodes(), []string{"CCP1", "CCP2", "CCP3"}) {
		t.Errorf("CCPCodes() = %v", ti.CCPCodes())
	}
}
