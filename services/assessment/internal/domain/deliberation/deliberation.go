// Package deliberation holds the jury's collegial decision on a candidacy
// (domain.md §11, R48): one outcome per CCP of the candidacy's scope, a
// motivation for every CCP not obtained, and the title outcome derived from
// them.
package deliberation

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// maxMotivation bounds a motivation, in characters.
const maxMotivation = 2000

// CCPOutcome is the decision on one CCP.
type CCPOutcome string

// The CCP outcomes.
const (
	Obtained    CCPOutcome = "OBTAINED"
	NotObtained CCPOutcome = "NOT_OBTAINED"
)

// TitleOutcome is derived from the CCP decisions.
type TitleOutcome string

// The title outcomes.
const (
	Awarded TitleOutcome = "AWARDED" // session titre, every CCP obtained
	Partial TitleOutcome = "PARTIAL" // some CCPs obtained
	Failed  TitleOutcome = "FAILED"  // no CCP obtained
	Absent  TitleOutcome = "ABSENT"  // the candidate did not attend
)

// Decision is the jury's decision on one CCP.
type Decision struct {
	CCPCode    string
	Outcome    CCPOutcome
	Motivation string
}

// Input is the decision as the jury submits it.
type Input struct {
	Absent    bool
	Decisions []Decision
}

// Deliberation is a recorded decision on a candidacy.
type Deliberation struct {
	Absent    bool
	Decisions []Decision // in the order of the scope
	Outcome   TitleOutcome
	By        string // subject of the juror who recorded it
	At        time.Time
}

// Decide validates in against the candidacy's scope (R48) and returns the
// deliberation recorded by juror by at at, its title outcome derived. Every
// bad field is reported at once, with its path in the request.
func Decide(st title.SessionType, scope []string, in Input, by string, at time.Time) (Deliberation, error) {
	if in.Absent {
		if len(in.Decisions) > 0 {
			return Deliberation{}, apperr.Invalid(apperr.FieldViolation{Field: "ccp_decisions", Description: "must be empty when the candidate is absent"})
		}
		return Deliberation{Absent: true, Outcome: Absent, By: by, At: at}, nil
	}
	var v apperr.Violations
	r48 := false
	bad := v.Add
	byCode := map[string]Decision{}
	for i, d := range in.Decisions {
		field := fmt.Sprintf("ccp_decisions[%d]", i)
		d.Motivation = strings.TrimSpace(d.Motivation)
		switch {
		case !slices.Contains(scope, d.CCPCode):
			bad(field+".ccp_code", fmt.Sprintf("%q is not a CCP of the candidacy's scope %v", d.CCPCode, scope))
		case hasCode(byCode, d.CCPCode):
			bad(field+".ccp_code", "one decision per CCP: "+d.CCPCode+" is repeated")
		}
		switch d.Outcome {
		case Obtained:
		case NotObtained:
			if d.Motivation == "" {
				bad(field+".motivation", "required when the CCP is not obtained (R48)")
				r48 = true
			}
		default:
			bad(field+".outcome", "OBTAINED or NOT_OBTAINED")
		}
		if utf8.RuneCountInString(d.Motivation) > maxMotivation {
			bad(field+".motivation", fmt.Sprintf("at most %d characters", maxMotivation))
		}
		if _, dup := byCode[d.CCPCode]; !dup {
			byCode[d.CCPCode] = d
		}
	}
	var missing []string
	for _, code := range scope {
		if _, ok := byCode[code]; !ok {
			missing = append(missing, code)
		}
	}
	if len(missing) > 0 {
		bad("ccp_decisions", "one decision per CCP of the scope (R48); missing: "+strings.Join(missing, ", "))
		r48 = true
	}
	if len(v) > 0 {
		err := apperr.Invalid(v...)
		if r48 {
			return Deliberation{}, err.WithRule("R48")
		}
		return Deliberation{}, err
	}
	decisions := make([]Decision, 0, len(scope))
	for _, code := range scope {
		decisions = append(decisions, byCode[code])
	}
	return Deliberation{Decisions: decisions, Outcome: Outcome(st, decisions), By: by, At: at}, nil
}

func hasCode(m map[string]Decision, code string) bool {
	_, ok := m[code]
	return ok
}

// Outcome derives the title outcome of decisions made in a session of type
// st. In a session titre every CCP obtained awards the title; in a session
// CCP the title is never awarded here, even when the scope is obtained:
// the certification service decides the titre by capitalisation (R54).
func Outcome(st title.SessionType, decisions []Decision) TitleOutcome {
	obtained := 0
	for _, d := range decisions {
		if d.Outcome == Obtained {
			obtained++
		}
	}
	switch {
	case obtained == 0:
		return Failed
	case st == title.SessionTitre && obtained == len(decisions):
		return Awarded
	default:
		return Partial
	}
}
