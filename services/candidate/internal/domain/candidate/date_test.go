package candidate_test

import (
	"testing"

	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

func TestVAEAdmissibility_ValidUntil(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, decided, want string
	}{
		{name: "R25: one year after the decision", decided: "2025-06-10", want: "2026-06-10"},
		{name: "R25: 29 February ends on 28 February (art. 641 CPC)", decided: "2024-02-29", want: "2025-02-28"},
		{name: "R25: 29 February to a leap year keeps the day", decided: "2027-02-28", want: "2028-02-28"},
		{name: "invalid decision date gives no validity", decided: "2025-13-01", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := candidate.VAEAdmissibility{DecisionDate: tt.decided}.ValidUntil()
			if got != tt.want {
				t.Errorf("ValidUntil(%s) = %q; want %q", tt.decided, got, tt.want)
			}
		})
	}
}
