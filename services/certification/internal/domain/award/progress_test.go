package award_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
)

func TestR54ProgressNamesTheMissingCcpsAndTheSessionsThatCompleteThem(t *testing.T) {
	t.Parallel()
	held := []award.HeldCcp{
		{TitleCode: "TP-1", TitleVersion: "2024", CcpCode: "CCP1"},
		{TitleCode: "TP-1", TitleVersion: "2020", CcpCode: "CCP2"}, // another version: not held for 2024
	}
	p := award.ProgressOf("TP-1", "2024", []string{"CCP1", "CCP2", "CCP3"}, held)
	if !slices.Equal(p.Held, []string{"CCP1"}) || !slices.Equal(p.Missing, []string{"CCP2", "CCP3"}) {
		t.Fatalf("R54: progress = %+v", p)
	}
	if !slices.Equal(p.Completing, []string{award.CompleteBySessionCcp, award.CompleteBySessionTitre}) {
		t.Fatalf("completing sessions = %v", p.Completing)
	}
	if a := p.Advice(); !strings.Contains(a, "CCP2, CCP3") || !strings.Contains(a, "session CCP") || !strings.Contains(a, "session titre") {
		t.Fatalf("advice = %q", a)
	}
	full := award.ProgressOf("TP-1", "2024", []string{"CCP1"}, held)
	if len(full.Missing) != 0 || len(full.Completing) != 0 {
		t.Fatalf("R54: nothing missing = %+v", full)
	}
}
