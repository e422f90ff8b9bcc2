package command

import (
	"context"
	"errors"

	"github.com/titrepro/titrepro/internal/apperr"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/register"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// Registers reads the projection of the ministry's registers.
type Registers interface {
	AgrementsOf(ctx context.Context, centreID, titleID, titleVersion string) ([]register.Agrement, error)
	Habilitation(ctx context.Context, number string) (register.Habilitation, error)
	CharterAccepted(ctx context.Context, subject string) (bool, error)
}

// CheckSessionPlan enforces what the title's validity and the agréments
// ask of a session of centre on title version t, at site, from start to
// end, declared (created) on declaredOn: the title version in force, or the
// session in its délai de prolongation and declared before its end (R6);
// and an agrément of the centre in force for the title version and the
// site over every day of the session (R8, R11: titre and CCP sessions
// alike). CreateSession calls it; a change of a planned session's dates or
// site must call it too, with the session's creation day as declaredOn.
func CheckSessionPlan(ctx context.Context, registers Registers, t title.Title, centre, site string, start, end, declaredOn civildate.Date) error {
	if err := t.Validity.CheckSession(start, end, declaredOn); err != nil {
		return err
	}
	agrements, err := registers.AgrementsOf(ctx, centre, t.ID, t.Version)
	if err != nil {
		return err
	}
	return register.CheckAgrement(agrements, t.Validity, centre, t.ID, t.Version, site, start, end)
}

// jurorFromRegister completes the juror a centre names (subject, habilitation
// number, declared links) from the juror register: the name, title and
// dates of the habilitation are the register's, whatever the request says.
// The habilitation must be the juror's own and in force, a trainer may not
// sit in a CCP session (R20), and the juror must have accepted the charte
// (R23); its title and dates are checked against the session by
// session.AddJuror (R16). What the centre sends is checked first
// (jury.CheckNamed).
func jurorFromRegister(ctx context.Context, registers Registers, in jury.Input, typ title.SessionType) (jury.Input, error) {
	if err := jury.CheckNamed(in); err != nil {
		return jury.Input{}, err
	}
	h, err := registers.Habilitation(ctx, in.HabNumber)
	if err != nil {
		return jury.Input{}, err
	}
	accepted, err := registers.CharterAccepted(ctx, in.Subject)
	if err != nil {
		return jury.Input{}, err
	}
	if err := register.CheckJuror(h, in.Subject, accepted, typ); err != nil {
		return jury.Input{}, err
	}
	in.DisplayName, in.HabTitleID = h.JurorName, h.TitleID
	in.HabValidFrom, in.HabValidTo = h.ValidFrom.String(), h.ValidTo.String()
	return in, nil
}

// ProjectRegisterHandler keeps the projection of the ministry's registers:
// it handles the certification service's AgrementGranted,
// AgrementWithdrawn, HabilitationGranted, HabilitationWithdrawn and
// JurorCharterAccepted.
type ProjectRegisterHandler struct{}

// NewProjectRegisterHandler returns the handler.
func NewProjectRegisterHandler() ProjectRegisterHandler { return ProjectRegisterHandler{} }

// errRegisterEvent refuses a register event that cannot be applied: it
// names no entry. Retrying cannot help.
func errRegisterEvent(msg string) error {
	return apperr.New(apperr.KindInvalidArgument, "EVENT_INVALID", msg)
}

// Agrement stores a through repo (bound by the caller to the transaction
// that records the event) unless a later version is stored; it reports
// whether it stored it.
func (ProjectRegisterHandler) Agrement(ctx context.Context, repo register.Repository, a register.Agrement) (bool, error) {
	if a.ID == "" || a.CentreID == "" || a.Version < 1 {
		return false, errRegisterEvent("an agrément event without id, centre or version")
	}
	return repo.SaveAgrement(ctx, a)
}

// Habilitation is Agrement for a habilitation.
func (ProjectRegisterHandler) Habilitation(ctx context.Context, repo register.Repository, h register.Habilitation) (bool, error) {
	if h.Number == "" || h.JurorSubject == "" || h.Version < 1 {
		return false, errRegisterEvent("a habilitation event without number, juror or version")
	}
	return repo.SaveHabilitation(ctx, h)
}

// Charter is Agrement for an acceptance of the charte.
func (ProjectRegisterHandler) Charter(ctx context.Context, repo register.Repository, c register.Charter) (bool, error) {
	if c.JurorSubject == "" || c.Version == "" {
		return false, errRegisterEvent("a charte event without juror or version")
	}
	return repo.SaveCharter(ctx, c)
}

// CheckJuryInForce enforces R16 again when the session opens: no juror
// sits under a habilitation the ministry withdrew after the jury was
// composed. A habilitation the register does not hold (a jury composed
// before the register existed) is left as it was assigned.
func CheckJuryInForce(ctx context.Context, registers Registers, jurors []jury.Juror) error {
	for _, j := range jurors {
		h, err := registers.Habilitation(ctx, j.Habilitation.Number)
		if errors.Is(err, register.ErrHabilitationUnknown) {
			continue
		}
		if err != nil {
			return err
		}
		if !h.Granted && h.JurorSubject == j.Subject {
			return register.ErrHabilitationWithdrawn.WithMessage("the habilitation "+h.Number+" of juror "+j.Subject+
				" was withdrawn: replace the juror before opening the session").WithMeta("juror", j.Subject).WithMeta("habilitation", h.Number)
		}
	}
	return nil
}
