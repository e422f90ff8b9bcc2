package catalogue

import (
	"fmt"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
)

// ErrTitleClosed refuses an award on a title version more than one year
// after its end of validity (R4).
var ErrTitleClosed = apperr.New(apperr.KindFailedPrecondition, "TITLE_CLOSED",
	"nothing is awarded on a title version more than one year after its end of validity").WithRule("R4")

// LastAwardDay returns the last day anything may be awarded on t: one year
// after its end of validity (R4); zero when the version has no end.
func (t TitleVersion) LastAwardDay() civildate.Date {
	if t.ValidTo.IsZero() {
		return civildate.Date{}
	}
	return civildate.Of(t.ValidTo).AddYears(1)
}

// CheckAwardable enforces R4: a CCP, titre or livret of t may be awarded on
// day until one year after t's end of validity, not later.
func (t TitleVersion) CheckAwardable(day civildate.Date) error {
	last := t.LastAwardDay()
	if last.IsZero() || !day.After(last) {
		return nil
	}
	return ErrTitleClosed.WithMessage(fmt.Sprintf("title %s version %s ended on %s: nothing is awarded on it after %s",
		t.Code, t.Version, civildate.Of(t.ValidTo), last)).WithMeta("title_id", t.Code).WithMeta("title_version", t.Version)
}
