package command

import (
	"context"

	"github.com/titrepro/titrepro/internal/civildate"
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
