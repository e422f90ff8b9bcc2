package catalogue

import (
	"errors"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
)

func TestCheckAwardable(t *testing.T) {
	t.Parallel()
	day := func(s string) civildate.Date {
		d, err := civildate.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	ended := TitleVersion{Code: "TP-00001", Version: "2015", ValidTo: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		name  string
		title TitleVersion
		day   string
		want  error
	}{
		{"R4: open-ended title", TitleVersion{Code: "TP-00495", Version: "2008"}, "2090-01-01", nil},
		{"R4: on the last day of validity", ended, "2025-06-30", nil},
		{"R4: one year after the end", ended, "2026-06-30", nil},
		{"R4: the day after end + 1 year", ended, "2026-07-01", ErrTitleClosed},
	}
	for _, tt := range tests {
		if err := tt.title.CheckAwardable(day(tt.day)); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v; want %v", tt.name, err, tt.want)
		}
	}
}
