package command

import (
	"context"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// checkPlan runs the checks a session's plan must pass at its creation
// (CreateSession) and at every change of its site or dates (UpdateSession,
// PostponeSession): the draft's own fields (Draft.Check, R40) and the title
// version in the catalogue projection (TITLE_UNKNOWN otherwise). centre is
// the organising centre. A check that needs another projection — the
// centre's agrément for the title, site and dates (R8) — belongs here, so
// that no way of changing a session escapes it.
func checkPlan(ctx context.Context, titles TitleCatalogue, centre string, d session.Draft) (title.Title, error) {
	if err := d.Check(); err != nil {
		return title.Title{}, err
	}
	return titles.Get(ctx, d.TitleID, d.TitleVersion)
}
