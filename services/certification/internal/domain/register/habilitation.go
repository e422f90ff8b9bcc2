package register

import (
	"fmt"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
)

// Category is the ground of a habilitation (R17).
type Category string

// The grounds of a habilitation.
const (
	Professional Category = "PROFESSIONAL" // ≥ 3 years practising the job
	Supervisor   Category = "SUPERVISOR"   // ≥ 3 years supervising people in the job
)

// Minimum experience and maximum time away from the job (R17).
const (
	MinExperienceYears = 3
	MaxYearsAway       = 5
)

// Habilitation is a juror's habilitation for one title, in the juror
// register. It is usable in every region (R18).
type Habilitation struct {
	Number           string
	JurorSubject     string
	JurorName        string
	JurorEmail       string
	TitleID          string
	ValidFrom        civildate.Date
	ValidTo          civildate.Date
	Category         Category
	ExperienceYears  int
	LastPractised    civildate.Date // zero: still practising
	Derogation       bool
	DerogationReason string
	Trainer          bool // may not sit in a CCP session (R20)
	State            State
	WithdrawalReason string
	GrantedBy        string
	GrantedAt        time.Time
	WithdrawnBy      string
	WithdrawnAt      time.Time
	Version          int64
}

// HabilitationInput is a habilitation as a grant request describes it.
type HabilitationInput struct {
	Number, JurorSubject, JurorName, JurorEmail, TitleID string
	ValidFrom, ValidTo                                   string
	Category                                             Category
	ExperienceYears                                      int
	LastPractised                                        string // empty: still practising
	Derogation                                           bool
	DerogationReason                                     string
	Trainer                                              bool
}

// NewHabilitation validates in and returns the habilitation granted by by
// at now. The juror must have at least three years' experience in the job
// or supervising it and not have left it more than five years before the
// grant, unless the DREETS grants a derogation (R17); titleEnd is the
// title's last day of validity, zero when open, and the habilitation may
// not end after it (R18).
func NewHabilitation(in HabilitationInput, titleEnd civildate.Date, by string, now time.Time) (Habilitation, error) {
	var v apperr.Violations
	const p = "habilitation."
	checkKey(&v, p+"number", in.Number)
	if s := in.JurorSubject; s == "" || len(s) > maxCentre || strings.ContainsAny(s, "/ ") || s == "me" {
		v.Add(p+"juror_subject", fmt.Sprintf("required, at most %d characters, without '/' or spaces, not \"me\"", maxCentre))
	}
	checkText(&v, p+"juror_name", in.JurorName, maxName)
	if !validEmail(in.JurorEmail) {
		v.Add(p+"juror_email", "required e-mail address, e.g. prenom.nom@example.org")
	}
	checkText(&v, p+"title_id", in.TitleID, maxTitle)
	from, to := checkPeriod(&v, p, in.ValidFrom, in.ValidTo)
	switch in.Category {
	case Professional, Supervisor:
	default:
		v.Add(p+"category", "PROFESSIONAL or SUPERVISOR")
	}
	if in.ExperienceYears < 0 || in.ExperienceYears > maxYears {
		v.Add(p+"experience_years", fmt.Sprintf("0 to %d years", maxYears))
	}
	today := civildate.Of(now)
	var last civildate.Date
	if in.LastPractised != "" {
		last = checkDate(&v, p+"last_practised", in.LastPractised)
		if !last.IsZero() && last.After(today) {
			v.Add(p+"last_practised", "not in the future; empty when the juror still practises")
		}
	}
	reason := strings.TrimSpace(in.DerogationReason)
	switch {
	case in.Derogation:
		checkText(&v, p+"derogation_reason", reason, maxReason)
	case reason != "":
		v.Add(p+"derogation_reason", "only with a derogation")
	}
	if err := v.Err(); err != nil {
		return Habilitation{}, err
	}
	if !in.Derogation {
		if in.ExperienceYears < MinExperienceYears {
			return Habilitation{}, ErrExperienceTooShort.WithMessage(fmt.Sprintf(
				"%d years of experience; at least %d are needed (or a derogation)", in.ExperienceYears, MinExperienceYears))
		}
		if !last.IsZero() && last.AddYears(MaxYearsAway).Before(today) {
			return Habilitation{}, ErrLeftJobTooLong.WithMessage(fmt.Sprintf(
				"the juror last practised on %s, more than %d years before %s (or a derogation)", last, MaxYearsAway, today))
		}
	}
	if !titleEnd.IsZero() && to.After(titleEnd) {
		return Habilitation{}, ErrHabilitationBeyondTitle.WithMessage(fmt.Sprintf(
			"the habilitation would end on %s, after the end of validity of title %s (%s)", to, in.TitleID, titleEnd))
	}
	return Habilitation{
		Number: in.Number, JurorSubject: in.JurorSubject, JurorName: strings.TrimSpace(in.JurorName),
		JurorEmail: in.JurorEmail, TitleID: strings.TrimSpace(in.TitleID), ValidFrom: from, ValidTo: to,
		Category: in.Category, ExperienceYears: in.ExperienceYears, LastPractised: last,
		Derogation: in.Derogation, DerogationReason: reason, Trainer: in.Trainer,
		State: Granted, GrantedBy: by, GrantedAt: now, Version: 1,
	}, nil
}

// SameGrant reports whether h and o record the same habilitation (every
// field a grant sets), so that granting again is a no-op.
func (h Habilitation) SameGrant(o Habilitation) bool {
	return h.Number == o.Number && h.JurorSubject == o.JurorSubject && h.JurorName == o.JurorName &&
		h.JurorEmail == o.JurorEmail && h.TitleID == o.TitleID && h.ValidFrom == o.ValidFrom && h.ValidTo == o.ValidTo &&
		h.Category == o.Category && h.ExperienceYears == o.ExperienceYears && h.LastPractised == o.LastPractised &&
		h.Derogation == o.Derogation && h.DerogationReason == o.DerogationReason && h.Trainer == o.Trainer
}

// Withdraw withdraws the habilitation for reason, as Agrement.Withdraw.
func (h *Habilitation) Withdraw(reason, by string, now time.Time) (bool, error) {
	return withdraw(&h.State, &h.WithdrawalReason, &h.WithdrawnAt, &h.WithdrawnBy, &h.Version, reason, by, now)
}

// CharterAcceptance is a juror's acceptance of the charte de déontologie
// (R23).
type CharterAcceptance struct {
	JurorSubject string
	Version      string
	AcceptedAt   time.Time
}

// AcceptCharter returns subject's acceptance at now of the charte version;
// an empty version means the current one, any other is ErrCharterVersion.
func AcceptCharter(subject, version string, now time.Time) (CharterAcceptance, error) {
	if version == "" {
		version = CharterVersion
	}
	if version != CharterVersion {
		return CharterAcceptance{}, ErrCharterVersion.WithMessage(fmt.Sprintf(
			"version %q of the charte is not the current one (%s)", version, CharterVersion))
	}
	return CharterAcceptance{JurorSubject: subject, Version: version, AcceptedAt: now}, nil
}
