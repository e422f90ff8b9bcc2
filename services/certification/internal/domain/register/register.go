// Package register holds the ministry's registers: the agréments of the
// exam centres (R8–R11), the juror register of habilitations (R16–R18,
// R20) and the jurors' acceptances of the charte de déontologie (R23). The
// certification service owns them because it owns the catalogue whose
// validity dates bound them (R9, R18); the assessment service projects
// them from their events and enforces them when a session is planned and
// its jury composed.
package register

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
)

// State is the state of an agrément or a habilitation.
type State string

// The states of a register entry.
const (
	Granted   State = "GRANTED"
	Withdrawn State = "WITHDRAWN"
)

// Limits of the registers' fields.
const (
	maxID     = 64
	maxName   = 200
	maxEmail  = 254
	maxReason = 500
	maxTitle  = 64
	maxCentre = 256
	maxYears  = 80
)

// Errors of the registers.
var (
	// ErrAgrementNotFound: no agrément has the id.
	ErrAgrementNotFound = apperr.New(apperr.KindNotFound, "AGREMENT_NOT_FOUND", "no agrément has this id")
	// ErrAgrementExists: the id is taken by an agrément with other content.
	ErrAgrementExists = apperr.New(apperr.KindAlreadyExists, "AGREMENT_EXISTS",
		"an agrément with this id is already recorded with other content")
	// ErrAgrementBeyondTitle: the agrément would end after the title (R9).
	ErrAgrementBeyondTitle = apperr.New(apperr.KindFailedPrecondition, "AGREMENT_BEYOND_TITLE",
		"an agrément ends no later than the title version's end of validity").WithRule("R9")
	// ErrHabilitationNotFound: no habilitation has the number.
	ErrHabilitationNotFound = apperr.New(apperr.KindNotFound, "HABILITATION_NOT_FOUND", "no habilitation has this number")
	// ErrHabilitationExists: the number is taken by a habilitation with
	// other content.
	ErrHabilitationExists = apperr.New(apperr.KindAlreadyExists, "HABILITATION_EXISTS",
		"a habilitation with this number is already recorded with other content")
	// ErrHabilitationBeyondTitle: the habilitation would end after the
	// title (R18).
	ErrHabilitationBeyondTitle = apperr.New(apperr.KindFailedPrecondition, "HABILITATION_BEYOND_TITLE",
		"a habilitation ends no later than the title's end of validity").WithRule("R18")
	// ErrExperienceTooShort: fewer than three years in the job (R17).
	ErrExperienceTooShort = apperr.New(apperr.KindFailedPrecondition, "JUROR_EXPERIENCE_TOO_SHORT",
		"a juror needs at least three years' experience in the job or supervising it").WithRule("R17")
	// ErrLeftJobTooLong: the juror left the job more than five years
	// before the request (R17).
	ErrLeftJobTooLong = apperr.New(apperr.KindFailedPrecondition, "JUROR_LEFT_JOB_TOO_LONG",
		"a juror must not have left the job more than five years before the request").WithRule("R17")
	// ErrAlreadyWithdrawn: the entry was withdrawn already, for another
	// reason.
	ErrAlreadyWithdrawn = apperr.New(apperr.KindFailedPrecondition, "ALREADY_WITHDRAWN",
		"the register entry was already withdrawn")
	// ErrCharterVersion: the juror accepts another version of the charte
	// than the current one (R23).
	ErrCharterVersion = apperr.New(apperr.KindFailedPrecondition, "CHARTER_VERSION_NOT_CURRENT",
		"only the current version of the charte de déontologie can be accepted").WithRule("R23")
	// ErrCharterNotAccepted: the juror has not accepted this version of the
	// charte.
	ErrCharterNotAccepted = apperr.New(apperr.KindNotFound, "CHARTER_NOT_ACCEPTED",
		"the juror has not accepted this version of the charte de déontologie").WithRule("R23")
	// ErrReadDenied: the caller may not read the entry, or it does not
	// exist for them.
	ErrReadDenied = apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
		"the caller may not read this register entry")
	// ErrWriteDenied: only the ministry writes the registers.
	ErrWriteDenied = apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
		"only the ministry records agréments and habilitations")
)

// CharterVersion is the version of the charte de déontologie jurors accept
// today (R23).
const CharterVersion = "1"

// checkKey validates a resource key: an agrément id or a habilitation
// number.
func checkKey(v *apperr.Violations, field, s string) {
	if n := len(s); n == 0 || n > maxID || strings.ContainsAny(s, "/ \t\n") || !utf8.ValidString(s) {
		v.Add(field, fmt.Sprintf("required, 1 to %d characters, without '/' or spaces", maxID))
	}
}

// checkText validates a required bounded text.
func checkText(v *apperr.Violations, field, s string, max int) {
	if n := utf8.RuneCountInString(strings.TrimSpace(s)); n == 0 || n > max {
		v.Add(field, fmt.Sprintf("required, 1 to %d characters", max))
	}
}

// checkDate parses a required date.
func checkDate(v *apperr.Violations, field, s string) civildate.Date {
	d, err := civildate.Parse(s)
	if err != nil {
		v.Add(field, "required date YYYY-MM-DD")
	}
	return d
}

// checkPeriod parses a required validity period.
func checkPeriod(v *apperr.Violations, prefix, from, to string) (civildate.Date, civildate.Date) {
	f := checkDate(v, prefix+"valid_from", from)
	t := checkDate(v, prefix+"valid_to", to)
	if !f.IsZero() && !t.IsZero() && t.Before(f) {
		v.Add(prefix+"valid_to", "not before valid_from")
	}
	return f, t
}

// CheckReason validates a withdrawal reason.
func CheckReason(reason string) error {
	var v apperr.Violations
	checkText(&v, "reason", reason, maxReason)
	return v.Err()
}

// withdraw is the shared withdrawal of an entry: a second withdrawal with
// the same reason changes nothing, with another reason it is refused.
func withdraw(state *State, current *string, at *time.Time, by *string, version *int64, reason, who string, now time.Time) (bool, error) {
	reason = strings.TrimSpace(reason)
	if err := CheckReason(reason); err != nil {
		return false, err
	}
	if *state == Withdrawn {
		if *current == reason {
			return false, nil
		}
		return false, ErrAlreadyWithdrawn
	}
	*state, *current, *at, *by = Withdrawn, reason, now, who
	*version++
	return true, nil
}

func validEmail(s string) bool {
	if len(s) > maxEmail || strings.ContainsAny(s, " \t\n<>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}
