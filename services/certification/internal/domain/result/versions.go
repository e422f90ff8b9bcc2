package result

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/minutesreturn"
)

// Returned is the state of a result the ministry returned to its jury
// (R51): the jury deliberates the cited candidacies again and every juror
// signs the next version, which replaces this one. Nothing is awarded from
// a returned version; the awards of a version validated before its return
// stand until the next version is validated, which corrects them.
const Returned State = "RETURNED"

// Superseded is the state, in a result's history, of a validated version
// that a later validated version corrected.
const Superseded State = "SUPERSEDED"

// Return is the ministry's return of a minutes version (R51).
type Return struct {
	Reason          string
	CandidacyIDs    []string // sorted
	By              string   // subject of the officer
	At              time.Time
	AfterValidation bool // the version had been validated: a correction
}

// Version is one minutes version of a session as received, in a result's
// history.
type Version struct {
	Number      int
	Hash        string
	State       State // AWAITING_VALIDATION, VALIDATED, RETURNED or SUPERSEDED
	ReceivedAt  time.Time
	ValidatedAt time.Time // zero if never validated
	Return      *Return
}

// Errors of the versions.
var (
	// ErrReturnDenied: only the ministry returns minutes (R51).
	ErrReturnDenied = apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
		"only the ministry may return session minutes").WithRule("R51")
	// ErrAlreadyReturned: the version was returned already; the jury's next
	// version is awaited.
	ErrAlreadyReturned = apperr.New(apperr.KindFailedPrecondition, "MINUTES_ALREADY_RETURNED",
		"these minutes were returned to the jury already: wait for the next version they sign").WithRule("R51")
	// ErrMinutesReturned: a returned version is not validated; the next one is.
	ErrMinutesReturned = apperr.New(apperr.KindFailedPrecondition, "MINUTES_RETURNED",
		"these minutes were returned to the jury: validate the next version they sign").WithRule("R51")
	// ErrVersionSuperseded: the hash given is an earlier version's; a later
	// version replaces it.
	ErrVersionSuperseded = apperr.New(apperr.KindFailedPrecondition, "MINUTES_VERSION_SUPERSEDED",
		"these minutes were replaced by a later version: examine the current version").WithRule("R51")
	// ErrVersionNotFound: the session has no minutes version of this number.
	ErrVersionNotFound = apperr.New(apperr.KindNotFound, "MINUTES_VERSION_NOT_FOUND",
		"the session has no minutes of this version")
)

// checkCurrent refuses an action on other minutes than the current
// version: expectedHash, when given, must be its hash; the hash of an
// earlier version is ErrVersionSuperseded.
func (r SessionResult) checkCurrent(expectedHash string) error {
	if expectedHash == "" || strings.EqualFold(expectedHash, r.MinutesHash) {
		return nil
	}
	for _, v := range r.History {
		if v.Number != r.Version && strings.EqualFold(v.Hash, expectedHash) {
			return ErrVersionSuperseded.WithMeta("session_id", r.SessionID).
				WithMeta("minutes_version", strconv.Itoa(v.Number)).
				WithMeta("current_minutes_version", strconv.Itoa(r.Version)).
				WithMeta("minutes_hash", r.MinutesHash)
		}
	}
	return ErrMinutesHashMismatch.WithMeta("session_id", r.SessionID).WithMeta("minutes_hash", r.MinutesHash)
}

// MarkReturned records the ministry officer by's return of the current
// minutes version at at (R51): expectedHash is the hash of the version the
// officer examined (required), reason why, candidacyIDs the candidacies of
// the minutes to deliberate again. A result awaiting validation or
// validated may be returned (after the validation, to correct a material
// error); a returned one is ErrAlreadyReturned.
func (r *SessionResult) MarkReturned(by string, at time.Time, expectedHash, reason string, candidacyIDs []string) error {
	var v apperr.Violations
	if strings.TrimSpace(expectedHash) == "" {
		v.Add("minutes_hash", "required: the hash of the minutes you examined")
	}
	v = append(v, minutesreturn.Check(reason, candidacyIDs, func(id string) bool {
		return slices.ContainsFunc(r.Lines, func(l Line) bool { return l.CandidacyID == id })
	})...)
	if len(v) > 0 {
		return apperr.Invalid(v...).WithRule("R51")
	}
	if r.State == Returned {
		return ErrAlreadyReturned.WithMeta("session_id", r.SessionID)
	}
	if err := r.checkCurrent(expectedHash); err != nil {
		return err
	}
	ids := slices.Clone(candidacyIDs)
	slices.Sort(ids)
	r.Return = &Return{Reason: reason, CandidacyIDs: ids, By: by, At: at, AfterValidation: r.State == Validated}
	r.State = Returned
	for i, v := range r.History {
		if v.Number == r.Version {
			r.History[i].State, r.History[i].Return = Returned, r.Return
		}
	}
	return nil
}

// Replaces checks that next, received from a MinutesSigned, is the next
// version of r's minutes: r was returned, next is the version after it and
// names r's hash as the one it replaces.
func (r SessionResult) Replaces(next SessionResult) error {
	if r.State != Returned || max(next.Version, 1) != max(r.Version, 1)+1 ||
		(next.PreviousHash != "" && next.PreviousHash != r.MinutesHash) {
		return ErrMinutesConflict.WithMeta("session_id", r.SessionID).
			WithMeta("stored_hash", r.MinutesHash).WithMeta("received_hash", next.MinutesHash).
			WithMeta("stored_version", strconv.Itoa(r.Version)).WithMeta("received_version", strconv.Itoa(next.Version))
	}
	return nil
}

// Correction reports whether validating r corrects an earlier validated
// version (its awards are then corrected), and which.
func (r SessionResult) Correction() (int, bool) {
	return r.ValidatedVersion, r.ValidatedVersion > 0 && r.ValidatedVersion < max(r.Version, 1)
}
