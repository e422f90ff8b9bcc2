package web

import (
	"fmt"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

// candidacyChangesFR says in French what happened to a candidacy besides
// its registration: its withdrawal or transfer ("" while it is in the
// session) and its disability adjustments (R46), one sentence each.
func candidacyChangesFR(c *assessmentv1.Candidacy) (withdrawn string, adjustments []string) {
	if w := c.GetWithdrawal(); w != nil {
		switch {
		case w.GetTransferredTo() != nil:
			withdrawn = "Transférée vers une autre session le " + DateFR(w.GetWithdrawTime().AsTime())
		case w.GetByCandidate():
			withdrawn = "Retirée par le candidat le " + DateFR(w.GetWithdrawTime().AsTime())
		default:
			withdrawn = "Retirée par le centre le " + DateFR(w.GetWithdrawTime().AsTime())
		}
		if r := w.GetReason(); r != "" {
			withdrawn += " : " + r
		}
	}
	for _, a := range c.GetAdjustments() {
		s := juryEpreuveLabels[a.GetEpreuve()]
		if s == "" {
			s = "Toutes les épreuves"
		}
		if m := a.GetExtraMinutes(); m > 0 {
			s += fmt.Sprintf(" : %d min de temps supplémentaire", m)
		}
		if x := a.GetArrangements(); x != "" {
			s += " ; " + x
		}
		s += " (autorisation " + a.GetAuthorisationReference() + " du " + CivilDateFR(a.GetAuthorisationDate())
		if a.GetExceptional() {
			s += ", à titre exceptionnel"
		}
		adjustments = append(adjustments, s+")")
	}
	return withdrawn, adjustments
}
