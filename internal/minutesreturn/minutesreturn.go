// Package minutesreturn holds what a return of signed minutes by the
// ministry (R51) must say, which two contexts check: the certification
// service when the DREETS officer returns a result (ReturnResult), and the
// assessment service when it applies the MinutesReturned event that
// reopens the session. One check keeps the two from drifting apart: a
// return the certification service accepts is one the assessment service
// applies.
package minutesreturn

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
)

// Bounds of a return.
const (
	// MaxReason bounds the reason of a return, in characters.
	MaxReason = 2000
	// MaxCandidacies bounds the candidacies one return cites.
	MaxCandidacies = 500
)

// Check reports every bad field of a return at once: a reason (required,
// at most MaxReason characters) and the candidacies to deliberate again
// (at least one, at most MaxCandidacies, each once and, when known is not
// nil, each one of the minutes returned). The caller adds its own fields
// and refuses the return with apperr.Invalid(v...).WithRule("R51").
func Check(reason string, candidacyIDs []string, known func(id string) bool) apperr.Violations {
	var v apperr.Violations
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		v.Add("reason", "required: say why the minutes are returned (R51)")
	case utf8.RuneCountInString(reason) > MaxReason:
		v.Add("reason", fmt.Sprintf("at most %d characters", MaxReason))
	}
	switch {
	case len(candidacyIDs) == 0:
		v.Add("candidacy_ids", "required: name the candidacies to deliberate again (R51)")
	case len(candidacyIDs) > MaxCandidacies:
		v.Add("candidacy_ids", fmt.Sprintf("at most %d candidacies", MaxCandidacies))
	default:
		seen := make(map[string]bool, len(candidacyIDs))
		for i, id := range candidacyIDs {
			field := fmt.Sprintf("candidacy_ids[%d]", i)
			switch {
			case strings.TrimSpace(id) == "":
				v.Add(field, "required")
			case seen[id]:
				v.Add(field, "each candidacy once: "+id+" is repeated")
			case known != nil && !known(id):
				v.Add(field, "not a candidacy of these minutes: "+id)
			}
			seen[id] = true
		}
	}
	return v
}
