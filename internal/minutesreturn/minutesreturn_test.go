package minutesreturn_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/minutesreturn"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	many := make([]string, minutesreturn.MaxCandidacies+1)
	for i := range many {
		many[i] = strings.Repeat("c", i+1)
	}
	minutes := func(id string) bool { return id == "cy-1" || id == "cy-2" }
	tests := []struct {
		name       string
		reason     string
		candidacy  []string
		known      func(string) bool
		wantFields []string
	}{
		{"R51: a reason and cited candidacies of the minutes", "erreur de report", []string{"cy-2", "cy-1"}, minutes, nil},
		{"R51: without knowing the minutes, any id", "erreur", []string{"cy-9"}, nil, nil},
		{"R51: the reason is required", "  ", []string{"cy-1"}, minutes, []string{"reason"}},
		{"R51: the reason is bounded", strings.Repeat("é", minutesreturn.MaxReason+1), []string{"cy-1"}, minutes, []string{"reason"}},
		{"R51: at least one candidacy", "erreur", nil, minutes, []string{"candidacy_ids"}},
		{"R51: at most MaxCandidacies", "erreur", many, nil, []string{"candidacy_ids"}},
		{"R51: each candidacy once, none empty, all of the minutes", "", []string{"cy-1", "cy-1", " ", "cy-3"}, minutes,
			[]string{"reason", "candidacy_ids[1]", "candidacy_ids[2]", "candidacy_ids[3]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, f := range minutesreturn.Check(tt.reason, tt.candidacy, tt.known) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.wantFields) {
				t.Errorf("fields = %q; want %q", got, tt.wantFields)
			}
		})
	}
}
