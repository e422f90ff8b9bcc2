package deliberation_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

var (
	at    = time.Date(2026, 6, 3, 16, 0, 0, 0, time.UTC)
	scope = []string{"CCP1", "CCP2", "CCP3"}
)

func dec(code string, o deliberation.CCPOutcome, why string) deliberation.Decision {
	return deliberation.Decision{CCPCode: code, Outcome: o, Motivation: why}
}

func TestDecideValidates(t *testing.T) {
	t.Parallel()
	ok := deliberation.Obtained
	ko := deliberation.NotObtained
	tests := []struct {
		name       string
		in         deliberation.Input
		wantFields []string
		wantRule   string
	}{
		{"R48: NOT_OBTAINED without motivation is refused",
			deliberation.Input{Decisions: []deliberation.Decision{dec("CCP1", ok, ""), dec("CCP2", ok, ""), dec("CCP3", ko, "  ")}},
			[]string{"ccp_decisions[2].motivation"}, "R48"},
		{"R48: one decision per CCP in scope, missing ones are refused",
			deliberation.Input{Decisions: []deliberation.Decision{dec("CCP1", ok, "")}},
			[]string{"ccp_decisions"}, "R48"},
		{"R48: a CCP outside the scope is refused",
			deliberation.Input{Decisions: []deliberation.Decision{dec("CCP1", ok, ""), dec("CCP2", ok, ""), dec("CCP3", ok, ""), dec("CCP4", ok, "")}},
			[]string{"ccp_decisions[3].ccp_code"}, ""},
		{"R48: a repeated CCP is refused",
			deliberation.Input{Decisions: []deliberation.Decision{dec("CCP1", ok, ""), dec("CCP1", ko, "x"), dec("CCP2", ok, ""), dec("CCP3", ok, "")}},
			[]string{"ccp_decisions[1].ccp_code"}, ""},
		{"outcome must be set",
			deliberation.Input{Decisions: []deliberation.Decision{dec("CCP1", "", ""), dec("CCP2", ok, ""), dec("CCP3", ok, "")}},
			[]string{"ccp_decisions[0].outcome"}, ""},
		{"absent with decisions is refused",
			deliberation.Input{Absent: true, Decisions: []deliberation.Decision{dec("CCP1", ok, "")}},
			[]string{"ccp_decisions"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := deliberation.Decide(title.SessionTitre, scope, tt.in, "j1", at)
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalidArgument {
				t.Fatalf("Decide() = %v; want InvalidArgument", err)
			}
			var fields []string
			for _, v := range ae.Violations {
				fields = append(fields, v.Field)
			}
			if !slices.Equal(fields, tt.wantFields) || ae.Rule != tt.wantRule {
				t.Fatalf("violations %v rule %q; want %v rule %q", fields, ae.Rule, tt.wantFields, tt.wantRule)
			}
		})
	}
}

func TestDecideDerivesTheTitleOutcome(t *testing.T) {
	t.Parallel()
	ok, ko := deliberation.Obtained, deliberation.NotObtained
	tests := []struct {
		name string
		st   title.SessionType
		in   deliberation.Input
		want deliberation.TitleOutcome
	}{
		{"R48: session titre, every CCP obtained: AWARDED", title.SessionTitre,
			deliberation.Input{Decisions: []deliberation.Decision{dec("CCP3", ok, ""), dec("CCP1", ok, ""), dec("CCP2", ok, "")}}, deliberation.Awarded},
		{"R48: session titre, some CCPs obtained: PARTIAL", title.SessionTitre,
			deliberation.Input{Decisions: []deliberation.Decision{dec("CCP1", ok, ""), dec("CCP2", ok, ""), dec("CCP3", ko, "gaps in budgeting")}}, deliberation.Partial},
		{"R48: session titre, nothing obtained: FAILED", title.SessionTitre,
			deliberation.Input{Decisions: []deliberation.Decision{dec("CCP1", ko, "a"), dec("CCP2", ko, "b"), dec("CCP3", ko, "c")}}, deliberation.Failed},
		{"R48: session CCP, whole scope obtained: PARTIAL (certification capitalises)", title.SessionCCP,
			deliberation.Input{Decisions: []deliberation.Decision{dec("CCP1", ok, ""), dec("CCP2", ok, ""), dec("CCP3", ok, "")}}, deliberation.Partial},
		{"R48: session CCP, nothing obtained: FAILED", title.SessionCCP,
			deliberation.Input{Decisions: []deliberation.Decision{dec("CCP1", ko, "a"), dec("CCP2", ko, "b"), dec("CCP3", ko, "c")}}, deliberation.Failed},
		{"absent: ABSENT without decisions", title.SessionTitre, deliberation.Input{Absent: true}, deliberation.Absent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := deliberation.Decide(tt.st, scope, tt.in, "j1", at)
			if err != nil {
				t.Fatalf("Decide() = %v", err)
			}
			if d.Outcome != tt.want || d.By != "j1" || !d.At.Equal(at) {
				t.Fatalf("Decide() = %+v; want outcome %s", d, tt.want)
			}
			if !tt.in.Absent {
				var codes []string
				for _, x := range d.Decisions {
					codes = append(codes, x.CCPCode)
				}
				if !slices.Equal(codes, scope) {
					t.Fatalf("decisions in order %v; want the scope's order %v", codes, scope)
				}
			}
		})
	}
}
