// Package francevae maps the decision on one candidacy of a session's
// result onto France VAE's jury result (its interoperability API takes one
// of eight codes per candidature and has no per-CCP field; CCP detail
// travels in the free-text comment).
//
// titrepro has no "excused" absence and no award "subject to a condition",
// so CANDIDAT_EXCUSE and SUCCES_TOTAL_CERTIFICATION_COMPLETE_SOUS_RESERVE
// are never produced; they are listed so that results read back from
// France VAE can be recognised.
package francevae

import (
	"errors"
	"fmt"
	"strings"

	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// Code is a France VAE jury result code.
type Code string

// The eight jury result codes of the France VAE interoperability API.
const (
	FullSuccessFullTarget       Code = "SUCCES_TOTAL_CERTIFICATION_COMPLETE"
	FullSuccessPendingCondition Code = "SUCCES_TOTAL_CERTIFICATION_COMPLETE_SOUS_RESERVE"
	PartialSuccessFullTarget    Code = "SUCCES_PARTIEL_CERTIFICATION_COMPLETE"
	FullSuccessPartialTarget    Code = "SUCCES_TOTAL_CERTIFICATION_PARTIELLE"
	PartialSuccessPartialTarget Code = "SUCCES_PARTIEL_CERTIFICATION_PARTIELLE"
	Failure                     Code = "ECHEC"
	CandidateExcused            Code = "CANDIDAT_EXCUSE"
	CandidateAbsent             Code = "CANDIDAT_ABSENT"
)

// Codes are the eight codes, in the order of the France VAE documentation.
var Codes = []Code{
	FullSuccessFullTarget, FullSuccessPendingCondition, PartialSuccessFullTarget,
	FullSuccessPartialTarget, PartialSuccessPartialTarget, Failure,
	CandidateExcused, CandidateAbsent,
}

// Valid reports whether c is one of the eight codes.
func (c Code) Valid() bool {
	for _, k := range Codes {
		if c == k {
			return true
		}
	}
	return false
}

// ErrImpossible is returned (wrapped) for a decision that cannot come out
// of a jury: e.g. a titre awarded with a CCP not obtained.
var ErrImpossible = errors.New("francevae: impossible jury outcome")

// Outcome is what the mapping reads: the decision on one candidacy of a
// validated result and whether the France VAE candidature targets only
// some blocs of the certification (its "estViseePartiellement").
type Outcome struct {
	Line          result.Line
	PartialTarget bool
}

// Result is the France VAE jury result of one candidature.
type Result struct {
	Code    Code
	Comment string // the CCPs obtained and not obtained, in French
}

// Map returns the jury result of o, or an error wrapping ErrImpossible
// when the title outcome and the CCP decisions contradict each other.
//
//   - ABSENT gives CANDIDAT_ABSENT (no CCP may be obtained);
//   - no CCP obtained gives ECHEC (the title outcome must be FAILED);
//   - AWARDED gives SUCCES_TOTAL_CERTIFICATION_COMPLETE (no CCP may be not
//     obtained), whatever the target: the whole titre is obtained;
//   - PARTIAL on a full target gives SUCCES_PARTIEL_CERTIFICATION_COMPLETE;
//     on a partial target SUCCES_TOTAL_CERTIFICATION_PARTIELLE when every
//     CCP decided was obtained, SUCCES_PARTIEL_CERTIFICATION_PARTIELLE
//     otherwise.
func Map(o Outcome) (Result, error) {
	l := o.Line
	var obtained, notObtained []string
	for _, d := range l.Decisions {
		switch d.Outcome {
		case result.Obtained:
			obtained = append(obtained, d.CcpCode)
		case result.NotObtained:
			notObtained = append(notObtained, d.CcpCode)
		default:
			return Result{}, fmt.Errorf("%w: CCP %s has outcome %q", ErrImpossible, d.CcpCode, d.Outcome)
		}
	}
	comment := Comment(obtained, notObtained)
	impossible := func(why string) (Result, error) {
		return Result{}, fmt.Errorf("%w: candidacy %s, title outcome %s: %s", ErrImpossible, l.CandidacyID, l.TitleOutcome, why)
	}
	switch l.TitleOutcome {
	case result.TitleAbsent:
		if len(obtained) > 0 {
			return impossible("an absent candidate obtained CCPs")
		}
		return Result{Code: CandidateAbsent}, nil
	case result.TitleFailed:
		if len(obtained) > 0 {
			return impossible("a failed candidate obtained CCPs")
		}
		return Result{Code: Failure, Comment: comment}, nil
	case result.TitleAwarded:
		if len(notObtained) > 0 {
			return impossible("an awarded titre has CCPs not obtained")
		}
		return Result{Code: FullSuccessFullTarget, Comment: comment}, nil
	case result.TitlePartial:
		if len(obtained) == 0 {
			return impossible("a partial success obtained no CCP")
		}
		switch {
		case !o.PartialTarget:
			return Result{Code: PartialSuccessFullTarget, Comment: comment}, nil
		case len(notObtained) == 0:
			return Result{Code: FullSuccessPartialTarget, Comment: comment}, nil
		default:
			return Result{Code: PartialSuccessPartialTarget, Comment: comment}, nil
		}
	default:
		return impossible("unknown title outcome")
	}
}

// Comment is the French free text carrying the CCP detail France VAE has
// no field for; empty when there is no decision.
func Comment(obtained, notObtained []string) string {
	var parts []string
	if len(obtained) > 0 {
		parts = append(parts, "CCP obtenus : "+strings.Join(obtained, ", "))
	}
	if len(notObtained) > 0 {
		parts = append(parts, "CCP non obtenus : "+strings.Join(notObtained, ", "))
	}
	return strings.Join(parts, " ; ")
}
