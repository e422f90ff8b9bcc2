package catalogue

import (
	"strings"
	"testing"
	"time"
)

func TestValidateBuiltValue(t *testing.T) {
	t.Parallel()
	valid := func() TitleVersion { return mustParse(t, baseYAML) }
	cases := []struct {
		name      string
		mutate    func(*TitleVersion)
		wantField string
		wantRule  string
	}{
		{"R1 no CCP", func(tv *TitleVersion) { tv.CCPs = nil }, "ccps", "R1"},
		{"R1 CCP without competence", func(tv *TitleVersion) { tv.CCPs[0].Competences = nil }, "ccps[0].competences", "R1"},
		{"R43 entretien final in CCP session", func(tv *TitleVersion) {
			tv.Epreuves[1].SessionTypes = []SessionType{SessionTitre, SessionCCS}
		}, "epreuves[1].session_types[1]", "R43"},
		{"date with a time of day", func(tv *TitleVersion) {
			tv.ValidFrom = time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
		}, "valid_from", ""},
		{"prolongation without end of validity", func(tv *TitleVersion) {
			tv.ProlongationEnd = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		}, "prolongation_end", ""},
		{"bad ROME code", func(tv *TitleVersion) { tv.ROME = []string{"M1801", "1801"} }, "rome[1]", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tv := valid()
			tc.mutate(&tv)
			ae := appErr(t, tv.Validate())
			if ae.Rule != tc.wantRule || len(ae.Violations) != 1 || ae.Violations[0].Field != tc.wantField {
				t.Fatalf("Rule %q, violations %+v; want one on %s with rule %q", ae.Rule, ae.Violations, tc.wantField, tc.wantRule)
			}
			if strings.Contains(ae.Message, ".yaml") {
				t.Fatalf("a built value has no file: %q", ae.Message)
			}
		})
	}
	if err := valid().Validate(); err != nil {
		t.Fatalf("valid title: %v", err)
	}
}
