package protoconv_test

import (
	"testing"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/protoconv"
)

// TestEnumsCoverTheDomain fails when a value is added to a domain enum
// without its proto counterpart: it would silently become UNSPECIFIED.
func TestEnumsCoverTheDomain(t *testing.T) {
	t.Parallel()
	statuses := []catalogue.TitleStatus{catalogue.StatusActive, catalogue.StatusExtended,
		catalogue.StatusRevised, catalogue.StatusClosed, catalogue.StatusInProlongation}
	for _, s := range statuses {
		if got := protoconv.TitleStatus(s); got == certificationv1.TitleStatus_TITLE_STATUS_UNSPECIFIED {
			t.Errorf("TitleStatus(%s) = UNSPECIFIED", s)
		}
	}
	sessions := []catalogue.SessionType{catalogue.SessionTitre, catalogue.SessionCCP, catalogue.SessionCCS}
	for _, s := range sessions {
		if got := protoconv.SessionType(s); got == certificationv1.SessionType_SESSION_TYPE_UNSPECIFIED {
			t.Errorf("SessionType(%s) = UNSPECIFIED", s)
		}
	}
	kinds := []catalogue.EpreuveKind{catalogue.EpreuveMiseEnSituation, catalogue.EpreuvePresentationProjet,
		catalogue.EpreuveEntretienTechnique, catalogue.EpreuveQuestionnaire,
		catalogue.EpreuveQuestionnementProd, catalogue.EpreuveEntretienFinal}
	for _, k := range kinds {
		if got := protoconv.EpreuveKind(k); got == certificationv1.EpreuveKind_EPREUVE_KIND_UNSPECIFIED {
			t.Errorf("EpreuveKind(%s) = UNSPECIFIED", k)
		}
	}
	if got := protoconv.TitleStatus("NOT_A_STATUS"); got != certificationv1.TitleStatus_TITLE_STATUS_UNSPECIFIED {
		t.Errorf("TitleStatus(unknown) = %v; want UNSPECIFIED", got)
	}
}

func TestTitleCarriesTheContent(t *testing.T) {
	t.Parallel()
	minutes := 45
	p := catalogue.Published{
		Title: catalogue.TitleVersion{
			Code: "TP-00001", Version: "2024", Label: "Titre", Level: 5, Status: catalogue.StatusActive,
			CCPs: []catalogue.Ccp{{Code: "CCP1", Order: 1, Label: "A", Competences: []catalogue.Competence{{Code: "CCP1-C1", Label: "c"}}}},
			Epreuves: []catalogue.Epreuve{
				{Kind: catalogue.EpreuveEntretienFinal, SessionTypes: []catalogue.SessionType{catalogue.SessionTitre}, DurationMinutes: &minutes},
				{Kind: catalogue.EpreuveMiseEnSituation},
			},
		},
		ContentHash: "abc",
	}
	got := protoconv.Title(p)
	if got.GetId() != "TP-00001" || got.GetVersion() != "2024" || got.GetContentHash() != "abc" || got.GetLevel() != 5 {
		t.Fatalf("Title() identity = %v", got)
	}
	if len(got.GetCcps()) != 1 || len(got.GetCcps()[0].GetCompetences()) != 1 {
		t.Fatalf("Title() ccps = %v", got.GetCcps())
	}
	if got.GetEpreuves()[0].GetDurationMinutes() != 45 || got.GetEpreuves()[1].DurationMinutes != nil {
		t.Fatalf("Title() durations = %v", got.GetEpreuves())
	}
	if got.GetValidTo() != "" || got.GetPublishTime() != nil {
		t.Fatalf("Title() zero dates must be empty, got valid_to %q publish_time %v", got.GetValidTo(), got.GetPublishTime())
	}
}
