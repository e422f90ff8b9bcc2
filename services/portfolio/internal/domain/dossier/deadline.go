package dossier

import (
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
)

// Errors of the dossier deadline (R40).
var (
	// ErrDeadlinePassed: the session's dossier deadline is past.
	ErrDeadlinePassed = apperr.New(apperr.KindFailedPrecondition, "DOSSIER_DEADLINE_PASSED",
		"the dossier deadline of this session has passed: a dossier is submitted at the latest on the session's dossier deadline").WithRule("R40")
	// ErrSessionCancelled: the session was cancelled; it takes no dossier.
	ErrSessionCancelled = apperr.New(apperr.KindFailedPrecondition, "SESSION_CANCELLED",
		"the session was cancelled: no dossier is submitted for it").WithRule("R40")
)

// checkDeadline enforces R40: a dossier is submitted at the latest on the
// session's dossier deadline (a civil date in Paris), and never to a
// cancelled session. The deadline is the schedule's, as the session's
// latest change set it; while no schedule has reached the service, the
// session's first day as planned, which no deadline is after. A session
// known without any date (a projection row older than the dates) is not
// checked.
func checkDeadline(in SubmitInput, now time.Time) error {
	if in.Schedule.Cancelled {
		return ErrSessionCancelled.WithMeta("session_id", in.Session.ID)
	}
	due := in.Schedule.DossierDeadline
	if due == "" {
		due = in.Session.StartDate
	}
	if due == "" {
		return nil
	}
	deadline, err := civildate.Parse(due)
	if err != nil {
		return fmt.Errorf("dossier: session %s: deadline %q: %w", in.Session.ID, due, err)
	}
	if civildate.Of(now).After(deadline) {
		return ErrDeadlinePassed.WithMessage(fmt.Sprintf("the dossier deadline of session %s was %s", in.Session.ID, deadline)).
			WithMeta("session_id", in.Session.ID).WithMeta("dossier_deadline", deadline.String())
	}
	return nil
}
