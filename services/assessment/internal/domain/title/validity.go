package title

import (
	"fmt"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
)

// Validity is the period a title version is in force: from From to To,
// then the délai de prolongation until ProlongationEnd (R6). Zero dates
// mean "not known": no bound.
type Validity struct {
	From, To        civildate.Date
	ProlongationEnd civildate.Date // zero with To set: one year after To
}

// LastSessionDay is the last day of the délai de prolongation: the
// catalogue's, or one year after the end of validity; zero when the
// version has no end.
func (v Validity) LastSessionDay() civildate.Date {
	if v.To.IsZero() {
		return civildate.Date{}
	}
	if !v.ProlongationEnd.IsZero() {
		return v.ProlongationEnd
	}
	return v.To.AddYears(1)
}

// Errors of the title's validity (R6).
var (
	// ErrNotYetValid: the session starts before the title version is
	// accessible.
	ErrNotYetValid = apperr.New(apperr.KindFailedPrecondition, "TITLE_NOT_YET_VALID",
		"the session starts before the title version is in force").WithRule("R6")
	// ErrExpired: the session runs after the title version's end of
	// validity and is not allowed in the délai de prolongation (R6).
	ErrExpired = apperr.New(apperr.KindFailedPrecondition, "TITLE_EXPIRED",
		"a session after the title's end of validity is allowed only in the one-year délai de prolongation, when declared before the end").WithRule("R6")
)

// InProlongation reports whether a session ending on end runs after the
// title version's end of validity.
func (v Validity) InProlongation(end civildate.Date) bool {
	return !v.To.IsZero() && end.After(v.To)
}

// CheckSession enforces R6 for a session from start to end declared
// (created) on declaredOn: the title version is in force on its first
// day; a session running after the end of validity is allowed only when
// it ends within the délai de prolongation and was declared no later than
// the last day of validity.
func (v Validity) CheckSession(start, end, declaredOn civildate.Date) error {
	if !v.From.IsZero() && start.Before(v.From) {
		return ErrNotYetValid.WithMessage(fmt.Sprintf("the title version is in force from %s; the session starts on %s", v.From, start))
	}
	if !v.InProlongation(end) {
		return nil
	}
	last := v.LastSessionDay()
	switch {
	case end.After(last):
		return ErrExpired.WithMessage(fmt.Sprintf("the title version ended on %s and its délai de prolongation on %s; the session ends on %s",
			v.To, last, end))
	case declaredOn.After(v.To):
		return ErrExpired.WithMessage(fmt.Sprintf("the title version ended on %s: a session in the délai de prolongation must be declared before, not on %s",
			v.To, declaredOn))
	}
	return nil
}
