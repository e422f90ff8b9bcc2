package updatemask_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/updatemask"
)

var rules = updatemask.Rules{
	Updatable:  func(p string) bool { return slices.Contains([]string{"name", "address", "address.city"}, p) },
	OutputOnly: func(p string) bool { return p == "create_time" },
	Immutable: func(p string) string {
		if p == "owner" {
			return `"owner" is immutable`
		}
		return ""
	},
	Unknown: "%q is not a field of Thing",
	Example: "name,address",
}

// TestCheck: a good mask comes back sorted without duplicates, the etag
// ignored; every bad path is reported on update_mask, in order, at once.
func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		paths []string
		want  []string // the paths, or the violations' descriptions
		bad   bool
	}{
		{"sorted, deduplicated, etag ignored", []string{"address.city", "etag", "name", "address", "name"},
			[]string{"address", "address.city", "name"}, false},
		{"empty", nil, []string{`required: list the fields to change, e.g. "name,address"`}, true},
		{"etag alone changes nothing", []string{"etag"}, []string{`required: list the fields to change, e.g. "name,address"`}, true},
		{"every bad path", []string{"*", "create_time", "owner", "colour", "name"}, []string{
			`"*" is not supported: list the fields to change`,
			`"create_time" is output only`,
			`"owner" is immutable`,
			`"colour" is not a field of Thing`,
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := rules.Check(tt.paths)
			if !tt.bad {
				if err != nil || !slices.Equal(got, tt.want) {
					t.Fatalf("Check(%q) = %q, %v; want %q", tt.paths, got, err, tt.want)
				}
				return
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalidArgument {
				t.Fatalf("Check(%q) = %v; want an invalid argument", tt.paths, err)
			}
			var descriptions []string
			for _, v := range ae.Violations {
				if v.Field != updatemask.Field {
					t.Errorf("violation on %q; want %q", v.Field, updatemask.Field)
				}
				descriptions = append(descriptions, v.Description)
			}
			if !slices.Equal(descriptions, tt.want) {
				t.Fatalf("Check(%q) violations %s; want %s", tt.paths, fmt.Sprint(descriptions), fmt.Sprint(tt.want))
			}
		})
	}
}
