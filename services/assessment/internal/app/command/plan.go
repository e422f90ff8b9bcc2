package command

import (
	"context"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/eligibility"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// checkPlan runs the checks a session's plan must pass at its creation
// (CreateSession) and at every change of its site or dates (UpdateSession,
// PostponeSession), so that no way of changing a session escapes them: the
// draft's own fields (Draft.Check, R40), the title version in the
// catalogue projection (TITLE_UNKNOWN otherwise), in force at the session
// dates or in its délai de prolongation for a session declared before its
// end (R6), and the organising centre's agrément for the title version,
// the site and every day of the session (R8, R11): CheckSessionPlan.
// declaredOn is the day the session was declared: today for a creation,
// its creation day for a change.
func checkPlan(ctx context.Context, titles TitleCatalogue, registers Registers, centre string, d session.Draft, declaredOn civildate.Date) (title.Title, error) {
	if err := d.Check(); err != nil {
		return title.Title{}, err
	}
	t, err := titles.Get(ctx, d.TitleID, d.TitleVersion)
	if err != nil {
		return title.Title{}, err
	}
	// Draft.Check has read the dates: they parse.
	start, _ := civildate.Parse(d.StartDate)
	end, _ := civildate.Parse(d.EndDate)
	if err := CheckSessionPlan(ctx, registers, t, centre, d.Site, start, end, declaredOn); err != nil {
		return title.Title{}, err
	}
	return t, nil
}

// replan checks a new plan d of the planned session s — its site or dates
// changed by UpdateSession or PostponeSession — as a creation is
// (checkPlan, with the session's creation day as its declaration), then
// against the candidacies the session holds: the VAE candidates stay
// admissible on the new first day (R25), and dates moving the session into
// its title's délai de prolongation keep only candidates such a session is
// for (R6).
type replan struct {
	titles     TitleCatalogue
	candidates CandidateDirectory
	registers  Registers
	history    eligibility.History
}

func (r replan) check(ctx context.Context, s *session.Session, d session.Draft) error {
	t, err := checkPlan(ctx, r.titles, r.registers, s.CentreID(), d, civildate.Of(s.CreatedAt()))
	if err != nil {
		return err
	}
	if err := s.CheckAdmissibleOn(d, func(id string) (candidate.Candidate, error) { return r.candidates.Get(ctx, id) }); err != nil {
		return err
	}
	return checkProlongationOn(ctx, r.history, r.candidates, s, t, d)
}
