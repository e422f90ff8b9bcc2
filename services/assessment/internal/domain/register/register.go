// Package register is the assessment service's projection of the
// ministry's registers, kept by the certification service and announced by
// its events: the centres' agréments (AgrementGranted, AgrementWithdrawn),
// the juror register (HabilitationGranted, HabilitationWithdrawn) and the
// jurors' acceptance of the charte de déontologie (JurorCharterAccepted).
// Planning a session checks the agréments (R8, R11); composing a jury
// checks the habilitations (R16, R18, R20) and the charte (R23).
package register

import (
	"context"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/label"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// Agrement is a centre's approval for one title version, one site and a
// period, GRANTED or withdrawn.
type Agrement struct {
	ID, CentreID          string
	TitleID, TitleVersion string
	Site                  string
	ValidFrom, ValidTo    civildate.Date
	Granted               bool  // false once withdrawn
	Version               int64 // of the certification service's entry
}

// Habilitation is a juror's habilitation for a title, from the juror
// register.
type Habilitation struct {
	Number             string
	JurorSubject       string
	JurorName          string
	JurorEmail         string
	TitleID            string
	ValidFrom, ValidTo civildate.Date
	Trainer            bool
	Granted            bool // false once withdrawn
	Version            int64
}

// Charter is a juror's acceptance of the charte de déontologie (R23).
type Charter struct {
	JurorSubject string
	Version      string
	AcceptedAt   time.Time
}

// Repository keeps the projection. The Save methods store an entry unless
// a version at least as recent is stored, and report whether they did.
type Repository interface {
	SaveAgrement(ctx context.Context, a Agrement) (bool, error)
	SaveHabilitation(ctx context.Context, h Habilitation) (bool, error)
	SaveCharter(ctx context.Context, c Charter) (bool, error)
	// AgrementsOf returns the agréments, granted or withdrawn, of a centre
	// for a title version.
	AgrementsOf(ctx context.Context, centreID, titleID, titleVersion string) ([]Agrement, error)
	// Habilitation returns one habilitation, or ErrHabilitationUnknown.
	Habilitation(ctx context.Context, number string) (Habilitation, error)
	// CharterAccepted reports whether the juror accepted the charte.
	CharterAccepted(ctx context.Context, subject string) (bool, error)
}

// Errors of the checks.
var (
	// ErrNoAgrement: the centre holds no agrément in force for the title
	// version, the site and every day of the session (R8).
	ErrNoAgrement = apperr.New(apperr.KindFailedPrecondition, "AGREMENT_MISSING",
		"the centre holds no agrément for this title version and site covering the session dates").WithRule("R8")
	// ErrHabilitationUnknown: no habilitation of the juror register has the
	// number (R16).
	ErrHabilitationUnknown = apperr.New(apperr.KindFailedPrecondition, "HABILITATION_UNKNOWN",
		"no habilitation of the juror register has this number").WithRule("R16")
	// ErrHabilitationOfAnother: the habilitation is another juror's (R16).
	ErrHabilitationOfAnother = apperr.New(apperr.KindFailedPrecondition, "HABILITATION_OF_ANOTHER_JUROR",
		"the habilitation belongs to another juror").WithRule("R16")
	// ErrHabilitationWithdrawn: the habilitation was withdrawn (R16).
	ErrHabilitationWithdrawn = apperr.New(apperr.KindFailedPrecondition, "HABILITATION_WITHDRAWN",
		"the habilitation was withdrawn by the ministry").WithRule("R16")
	// ErrTrainerInCCPSession: a trainer may not sit in a CCP session (R20).
	ErrTrainerInCCPSession = apperr.New(apperr.KindFailedPrecondition, "JUROR_TRAINER_IN_CCP_SESSION",
		"a juror who is a trainer may not sit on the jury of a CCP session").WithRule("R20")
	// ErrCharterNotAccepted: the juror has not accepted the charte de
	// déontologie (R23).
	ErrCharterNotAccepted = apperr.New(apperr.KindFailedPrecondition, "CHARTER_NOT_ACCEPTED",
		"the juror must accept the charte de déontologie before a first assignment").WithRule("R23")
)

// CheckAgrement enforces R8 and R11: among the agréments of centre for
// the session's title version, one is in force, for the session's site,
// from start to end. One agrément covers the session titre and the CCP
// sessions of its title version (R11), so the session type is not
// compared. An agrément ends no later than its title (R9); one still in
// force on the title's last day of validity covers the délai de
// prolongation that follows (R6), v being the title version's validity.
func CheckAgrement(agrements []Agrement, v title.Validity, centre, titleID, titleVersion, site string, start, end civildate.Date) error {
	for _, a := range agrements {
		to := a.ValidTo
		if !v.To.IsZero() && !a.ValidTo.Before(v.To) {
			to = v.LastSessionDay()
		}
		if a.Granted && a.CentreID == centre && a.TitleID == titleID && a.TitleVersion == titleVersion &&
			label.Same(a.Site, site) && !a.ValidFrom.After(start) && !to.Before(end) {
			return nil
		}
	}
	return ErrNoAgrement.WithMessage(fmt.Sprintf(
		"centre %s holds no agrément for title %s version %s at site %q from %s to %s",
		centre, titleID, titleVersion, site, start, end)).WithMeta("centre_id", centre)
}

// CheckJuror enforces what the register says of a juror named for a
// session of type typ: the habilitation is the juror's own and in force
// (R16; its title and dates are checked against the session by
// jury.Juror.CheckCovers), a trainer does not sit in a CCP session (R20),
// and the juror accepted the charte de déontologie (R23).
func CheckJuror(h Habilitation, subject string, charterAccepted bool, typ title.SessionType) error {
	switch {
	case h.JurorSubject != subject:
		return ErrHabilitationOfAnother.WithMessage(fmt.Sprintf("habilitation %s is not juror %s's", h.Number, subject)).
			WithMeta("juror", subject)
	case !h.Granted:
		return ErrHabilitationWithdrawn.WithMeta("juror", subject).WithMeta("habilitation", h.Number)
	case h.Trainer && typ == title.SessionCCP:
		return ErrTrainerInCCPSession.WithMeta("juror", subject)
	case !charterAccepted:
		return ErrCharterNotAccepted.WithMeta("juror", subject)
	}
	return nil
}
