package catalogue

import (
	"errors"
	"testing"
)

func TestCompetencesInScope(t *testing.T) {
	t.Parallel()
	tv := loadSeed(t)
	cases := []struct {
		name      string
		scope     []string
		wantCount int
		wantFirst string
		wantErr   error
	}{
		{"one CCP", []string{"CCP2"}, 8, "CCP2-C1", nil},
		{"title order whatever the scope order", []string{"CCP3", "CCP1"}, 12, "CCP1-C1", nil},
		{"a code given twice counts once", []string{"CCP1", "CCP1"}, 6, "CCP1-C1", nil},
		{"session titre", tv.CcpCodes(), 20, "CCP1-C1", nil},
		{"unknown CCP", []string{"CCP1", "CCP9"}, 0, "", ErrCcpNotInTitle},
		{"empty scope", nil, 0, "", ErrEmptyCcpScope},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tv.CompetencesInScope(tc.scope)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("CompetencesInScope: %v", err)
			}
			if len(got) != tc.wantCount || got[0].Code != tc.wantFirst {
				t.Fatalf("got %d competences starting with %s, want %d starting with %s", len(got), got[0].Code, tc.wantCount, tc.wantFirst)
			}
		})
	}
}

func TestCcpByCode(t *testing.T) {
	t.Parallel()
	tv := loadSeed(t)
	if c, ok := tv.CcpByCode("CCP2"); !ok || c.Order != 2 {
		t.Fatalf("CcpByCode(CCP2) = %+v, %v", c, ok)
	}
	if _, ok := tv.CcpByCode("TP-00495-CCP2"); ok {
		t.Fatal("CCP codes are local to the title")
	}
}
