package award_test

import (
	"testing"

	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
)

func TestR51CorrectionRevokesOnlyTheSessionsCcpsNoLongerObtained(t *testing.T) {
	t.Parallel()
	held := []award.HeldCcp{
		{CcpCode: "CCP1", SessionID: "earlier"}, // R53: held from another session, not this one's to take
		{CcpCode: "CCP2", SessionID: "s"},
		{CcpCode: "CCP3", SessionID: "s"},
	}
	tests := []struct {
		name     string
		obtained []string
		want     []string
	}{
		{name: "R51: a CCP no longer obtained is revoked", obtained: []string{"CCP1", "CCP2"}, want: []string{"CCP3"}},
		{name: "R51, R53: a CCP held from an earlier session stays", obtained: nil, want: []string{"CCP2", "CCP3"}},
		{name: "R51: nothing revoked when every CCP is still obtained", obtained: []string{"CCP2", "CCP3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := award.Revoked("s", tt.obtained, held)
			var codes []string
			for _, h := range got {
				codes = append(codes, h.CcpCode)
			}
			if len(codes) != len(tt.want) {
				t.Fatalf("Revoked() = %v; want %v", codes, tt.want)
			}
			for i := range codes {
				if codes[i] != tt.want[i] {
					t.Fatalf("Revoked() = %v; want %v", codes, tt.want)
				}
			}
		})
	}
	if award.Changed([]string{"CCP2", "CCP1"}, []string{"CCP1", "CCP2"}) || !award.Changed([]string{"CCP1"}, nil) {
		t.Fatal("R51: Changed compares the CCPs obtained, in any order")
	}
}
