package catalogue

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
)

// baseYAML is a minimal valid title; the line numbers in the comments are
// the ones the cases below expect.
const baseYAML = `code: TP-00001
version: "2024"
label: Titre de test
level: 5
valid_from: 2024-01-01
status: ACTIVE
ccps:
  - code: CCP1
    order: 1
    label: Activité 1
    competences:
      - code: CCP1-C1
        label: Compétence 1
epreuves:
  - kind: MISE_EN_SITUATION_PROFESSIONNELLE
    session_types: [TITRE, CCP]
  - kind: ENTRETIEN_FINAL
    session_types: [TITRE]
`

const secondCCP = `  - code: CCP2
    order: 2
    label: Activité 2
    competences:
      - code: CCP2-C1
        label: Compétence 2
`

// edit replaces old by new in baseYAML and fails the test when old is not there,
// so that a case cannot silently test the valid base.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(baseYAML, old) {
		t.Fatalf("base YAML has no %q", old)
	}
	return strings.Replace(baseYAML, old, new, 1)
}

// appErr asserts err is an ErrInvalidTitleVersion and returns it.
func appErr(t *testing.T, err error) *apperr.Error {
	t.Helper()
	if err == nil {
		t.Fatal("want an error, got nil")
	}
	if !errors.Is(err, ErrInvalidTitleVersion) {
		t.Fatalf("want ErrInvalidTitleVersion, got %v", err)
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalidArgument {
		t.Fatalf("want an INVALID_ARGUMENT *apperr.Error, got %#v", err)
	}
	return ae
}

func TestParseBaseIsValid(t *testing.T) {
	t.Parallel()
	tv, err := Parse("t.yaml", []byte(baseYAML))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if tv.Code != "TP-00001" || tv.Version != "2024" || len(tv.CCPs) != 1 || len(tv.Epreuves) != 2 {
		t.Fatalf("unexpected title: %+v", tv)
	}
}

func TestParseReportsFileLineFieldAndRule(t *testing.T) {
	t.Parallel()
	ccpBlock := "ccps:\n  - code: CCP1\n    order: 1\n    label: Activité 1\n    competences:\n      - code: CCP1-C1\n        label: Compétence 1\n"
	cases := []struct {
		name      string
		yaml      func(t *testing.T) string
		wantField string
		wantLine  int
		wantRule  string
		wantMsg   string
	}{
		{"R1 title without CCP", func(t *testing.T) string { return edit(t, ccpBlock, "ccps: []\n") },
			"ccps", 7, "R1", "a title version needs at least one CCP"},
		{"R1 title without ccps key", func(t *testing.T) string { return edit(t, ccpBlock, "") },
			"ccps", 1, "R1", "a title version needs at least one CCP"},
		{"R1 CCP with empty competences", func(t *testing.T) string {
			return edit(t, "    competences:\n      - code: CCP1-C1\n        label: Compétence 1\n", "    competences: []\n")
		}, "ccps[0].competences", 11, "R1", "a CCP needs at least one competence"},
		{"R1 CCP without competences key", func(t *testing.T) string {
			return edit(t, "    competences:\n      - code: CCP1-C1\n        label: Compétence 1\n", "")
		}, "ccps[0].competences", 8, "R1", "a CCP needs at least one competence"},
		{"R43 entretien final in a CCP session", func(t *testing.T) string {
			return edit(t, "ENTRETIEN_FINAL\n    session_types: [TITRE]", "ENTRETIEN_FINAL\n    session_types: [TITRE, CCP]")
		}, "epreuves[1].session_types[1]", 18, "R43", "held in sessions titre only"},
		{"R43 session titre without entretien final", func(t *testing.T) string {
			return edit(t, "  - kind: ENTRETIEN_FINAL\n    session_types: [TITRE]\n", "")
		}, "epreuves", 14, "R43", "ends with an entretien final"},
		{"R43 entretien final not last", func(t *testing.T) string {
			return edit(t, "  - kind: MISE_EN_SITUATION_PROFESSIONNELLE\n    session_types: [TITRE, CCP]\n  - kind: ENTRETIEN_FINAL\n    session_types: [TITRE]\n",
				"  - kind: ENTRETIEN_FINAL\n    session_types: [TITRE]\n  - kind: MISE_EN_SITUATION_PROFESSIONNELLE\n    session_types: [TITRE, CCP]\n")
		}, "epreuves[0]", 15, "R43", "must be the last épreuve"},
		{"duplicate CCP code", func(t *testing.T) string {
			return edit(t, "epreuves:\n", strings.Replace(secondCCP, "CCP2\n", "CCP1\n", 1)+"epreuves:\n")
		}, "ccps[1].code", 14, "", `duplicate CCP code "CCP1" (first in ccps[0])`},
		{"duplicate CCP order", func(t *testing.T) string {
			return edit(t, "epreuves:\n", strings.Replace(secondCCP, "order: 2", "order: 1", 1)+"epreuves:\n")
		}, "ccps[1].order", 15, "", "duplicate order 1"},
		{"duplicate competence code across CCPs", func(t *testing.T) string {
			return edit(t, "epreuves:\n", strings.Replace(secondCCP, "CCP2-C1", "CCP1-C1", 1)+"epreuves:\n")
		}, "ccps[1].competences[0].code", 18, "", `duplicate competence code "CCP1-C1" (first in ccps[0].competences[0])`},
		{"bad code format", func(t *testing.T) string { return edit(t, "TP-00001", "TP-1") },
			"code", 1, "", `must match TP-NNNNN (5 digits), got "TP-1"`},
		{"missing label", func(t *testing.T) string { return edit(t, "label: Titre de test\n", "") },
			"label", 1, "", "is required"},
		{"level out of range", func(t *testing.T) string { return edit(t, "level: 5", "level: 9") },
			"level", 4, "", "1 to 8, got 9"},
		{"malformed date", func(t *testing.T) string { return edit(t, "2024-01-01", "2024-02-30") },
			"valid_from", 5, "", `must be a date YYYY-MM-DD, got "2024-02-30"`},
		{"valid_to before valid_from", func(t *testing.T) string {
			return edit(t, "status: ACTIVE\n", "valid_to: 2023-12-31\nstatus: ACTIVE\n")
		}, "valid_to", 6, "", "must not be before valid_from"},
		{"unknown status", func(t *testing.T) string { return edit(t, "status: ACTIVE", "status: OPEN") },
			"status", 6, "", `got "OPEN"`},
		{"unknown session type", func(t *testing.T) string { return edit(t, "[TITRE, CCP]", "[TITRE, VAE]") },
			"epreuves[0].session_types[1]", 16, "", `must be one of TITRE, CCP, CCS, got "VAE"`},
		{"negative duration", func(t *testing.T) string {
			return edit(t, "    session_types: [TITRE, CCP]\n", "    session_types: [TITRE, CCP]\n    duration_minutes: -5\n")
		}, "epreuves[0].duration_minutes", 17, "", "must be 0 or more, got -5"},
		{"unknown top-level field", func(t *testing.T) string { return edit(t, "level: 5\n", "level: 5\ncolour: red\n") },
			"colour", 5, "", `unknown field "colour"`},
		{"unknown nested field", func(t *testing.T) string {
			return edit(t, "        label: Compétence 1\n", "        label: Compétence 1\n        weight: 3\n")
		}, "ccps[0].competences[0].weight", 14, "", `unknown field "weight"`},
		{"type error", func(t *testing.T) string { return edit(t, "level: 5", "level: five") },
			"level", 4, "", "cannot read !!str `five` as an integer"},
		{"nested type error on a list", func(t *testing.T) string { return edit(t, "order: 1", "order: [1]") },
			"ccps[0].order", 9, "", "cannot read !!seq as an integer"},
		{"key given twice", func(t *testing.T) string { return edit(t, "level: 5\n", "level: 5\nlevel: 6\n") },
			"level", 5, "", `field "level" is given twice (first at line 4)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("t.yaml", []byte(tc.yaml(t)))
			ae := appErr(t, err)
			want := fmt.Sprintf("t.yaml:%d: %s: ", tc.wantLine, tc.wantField)
			if tc.wantRule != "" {
				want += tc.wantRule + ": "
			}
			if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("error %q\nwant it to contain %q and %q", err, want, tc.wantMsg)
			}
			if ae.Rule != tc.wantRule {
				t.Fatalf("Rule = %q, want %q", ae.Rule, tc.wantRule)
			}
			var found bool
			for _, v := range ae.Violations {
				if v.Field == tc.wantField && strings.HasPrefix(v.Description, fmt.Sprintf("t.yaml:%d: ", tc.wantLine)) {
					found = true
				}
			}
			if !found {
				t.Fatalf("no violation of field %q at line %d in %+v", tc.wantField, tc.wantLine, ae.Violations)
			}
			if ae.Meta["file"] != "t.yaml" {
				t.Fatalf("Meta[file] = %q, want t.yaml", ae.Meta["file"])
			}
		})
	}
}

func TestParseExactMessage(t *testing.T) {
	t.Parallel()
	src := edit(t, "    competences:\n      - code: CCP1-C1\n        label: Compétence 1\n", "    competences: []\n")
	_, err := Parse("tp-x.yaml", []byte(src))
	ae := appErr(t, err)
	const want = "tp-x.yaml:11: ccps[0].competences: R1: a CCP needs at least one competence"
	if ae.Message != want {
		t.Fatalf("Message = %q, want %q", ae.Message, want)
	}
	wantV := apperr.FieldViolation{Field: "ccps[0].competences", Description: "tp-x.yaml:11: R1: a CCP needs at least one competence"}
	if len(ae.Violations) != 1 || ae.Violations[0] != wantV {
		t.Fatalf("Violations = %+v, want [%+v]", ae.Violations, wantV)
	}
}

func TestParseReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	src := edit(t, "level: 5\n", "level: five\ncolour: red\n")
	_, err := Parse("t.yaml", []byte(src))
	ae := appErr(t, err)
	if len(ae.Violations) != 2 {
		t.Fatalf("want 2 violations (type error and unknown field), got %+v", ae.Violations)
	}
}

func TestParseDocumentLevelErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, src, want string
	}{
		{"empty file", "", "t.yaml: the file is empty"},
		{"comments only", "# nothing\n", "t.yaml: the file is empty"},
		{"not a mapping", "- a\n- b\n", "t.yaml:1: a title file must be a YAML mapping"},
		{"syntax error", "code: TP-00001\nlabel: a\n  level: 5\n", "t.yaml:3: invalid YAML: mapping values are not allowed"},
		{"two documents", baseYAML + "---\ncode: TP-00002\n", "t.yaml:19: a title file must hold one YAML document only"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("t.yaml", []byte(tc.src))
			ae := appErr(t, err)
			if !strings.HasPrefix(ae.Message, tc.want) {
				t.Fatalf("Message = %q, want prefix %q", ae.Message, tc.want)
			}
		})
	}
}
