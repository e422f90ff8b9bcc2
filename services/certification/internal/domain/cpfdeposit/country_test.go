package cpfdeposit_test

import (
	"testing"

	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
)

func TestR56_BirthCountryAlpha3FromAlpha2(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"FR", "FRA"}, {"ES", "ESP"}, {"DZ", "DZA"}, {"DE", "DEU"}, {"GB", "GBR"},
		{"", ""}, {"F", ""}, {"FRA", ""}, {"ZZ", ""}, {"01", ""},
	} {
		if got := cpfdeposit.CountryAlpha3(tt.in); got != tt.want {
			t.Errorf("CountryAlpha3(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
