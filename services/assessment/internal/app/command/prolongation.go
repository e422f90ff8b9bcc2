package command

import (
	"context"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/eligibility"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// checkProlongationOn re-checks R6 for the candidates of s when new dates
// d move it into its title version's délai de prolongation (t, the
// session's title, from checkPlan): each candidate of a candidacy still
// held must be one such a session is for (eligibility.CheckProlongation).
// A session already in the délai keeps its candidates: they were checked
// when registered, and moving its dates within the délai changes nothing
// for them. Dates that Draft.Check refuses need nothing here.
func checkProlongationOn(ctx context.Context, history eligibility.History, candidates CandidateDirectory, s *session.Session, t title.Title, d session.Draft) error {
	sum := s.Summary()
	start, err := civildate.Parse(d.StartDate)
	if err != nil {
		return nil
	}
	end, err := civildate.Parse(d.EndDate)
	if err != nil || !t.Validity.InProlongation(end) || t.Validity.InProlongation(sum.End) {
		return nil
	}
	for _, c := range s.Candidacies() {
		if c.Released() || c.Withdrawn() {
			continue
		}
		person, err := candidates.Get(ctx, c.CandidateID)
		if err != nil {
			return err
		}
		attempts, err := history.Attempts(ctx, c.CandidateID)
		if err != nil {
			return err
		}
		target := eligibility.Target{SessionID: sum.ID, Type: sum.Type, TitleID: sum.TitleID, Start: start, End: end,
			Validity: t.Validity, Scope: c.Scope}
		if err := eligibility.CheckProlongation(person, target, attempts); err != nil {
			return err
		}
	}
	return nil
}
