// Package result holds a session's result as the certification authority
// sees it: the signed minutes (procès-verbal) received from the assessment
// service, waiting for the ministry's validation (R51).
//
// A result is recorded once per session, from the MinutesSigned event, and
// changes once: AWAITING_VALIDATION to VALIDATED. Nothing may be awarded
// from a result before that change; the awards themselves are decided by
// package award.
package result

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
)

// State is the validation state of a result.
type State string

// The states of a result.
const (
	AwaitingValidation State = "AWAITING_VALIDATION"
	Validated          State = "VALIDATED"
)

// SessionType is the type of the session the minutes close.
type SessionType string

// The session types of signed minutes.
const (
	SessionTitre SessionType = "TITRE"
	SessionCcp   SessionType = "CCP"
)

// CcpOutcome is the jury's collegial decision on one CCP (R48).
type CcpOutcome string

// The CCP outcomes.
const (
	Obtained    CcpOutcome = "OBTAINED"
	NotObtained CcpOutcome = "NOT_OBTAINED"
)

// TitleOutcome is the title outcome the jury derived for a candidacy. It is
// informative: the award follows the CCPs obtained and the record (R54).
type TitleOutcome string

// The title outcomes.
const (
	TitleAwarded TitleOutcome = "AWARDED"
	TitlePartial TitleOutcome = "PARTIAL"
	TitleFailed  TitleOutcome = "FAILED"
	TitleAbsent  TitleOutcome = "ABSENT"
)

// CcpDecision is the decision on one CCP of a candidacy.
type CcpDecision struct {
	CcpCode    string
	Outcome    CcpOutcome
	Motivation string
}

// Line is the decision on one candidacy.
type Line struct {
	CandidacyID         string
	CandidateID         string
	Decisions           []CcpDecision
	TitleOutcome        TitleOutcome
	DossierManifestHash string
}

// Obtained returns the codes of the CCPs the line obtained, in minutes
// order, each once.
func (l Line) Obtained() []string {
	var out []string
	for _, d := range l.Decisions {
		if d.Outcome == Obtained && !slices.Contains(out, d.CcpCode) {
			out = append(out, d.CcpCode)
		}
	}
	return out
}

// LinesOf returns the lines of the candidate (one per candidacy; a
// person has one candidacy in a session).
func (r SessionResult) LinesOf(candidateID string) []Line {
	var out []Line
	for _, l := range r.Lines {
		if l.CandidateID == candidateID {
			out = append(out, l)
		}
	}
	return out
}

// Signature is one juror's signature of the minutes (R50).
type Signature struct {
	JurorSubject string
	JurorName    string
	SignedAt     time.Time
	ContentHash  string
}

// SessionResult is a session's signed minutes and their validation.
type SessionResult struct {
	SessionID    string
	CentreID     string
	Type         SessionType
	TitleCode    string
	TitleVersion string
	JuryDate     string // "YYYY-MM-DD"
	MinutesHash  string // hex SHA-256 of the minutes' canonical content
	Lines        []Line
	Signatures   []Signature
	SignedAt     time.Time // when the last juror signed
	ReceivedAt   time.Time // when the minutes reached this service

	State       State
	ValidatedBy string    // subject of the ministry officer; empty before validation
	ValidatedAt time.Time // zero before validation

	// Versions (R51, versions.go): the minutes version (1, then one more
	// after each return), the hash of the version it replaces, the
	// ministry's return of this version (State RETURNED), the last
	// validated version (whose awards stand; 0 for none) and the history
	// of every version received, filled by the repository on reads.
	Version          int
	PreviousHash     string
	Return           *Return
	ValidatedVersion int
	History          []Version
}

// CheckReceived checks what recording a result relies on: the session it
// belongs to, the title it is about, the hash that identifies the minutes
// and a candidate on every line. Signatures are checked at validation
// (CheckSigned), so that badly signed minutes stay visible to the ministry
// instead of being dropped.
func (r SessionResult) CheckReceived() error {
	var vs apperr.Violations
	required := func(field, value string) {
		if strings.TrimSpace(value) == "" {
			vs.Add(field, "is required")
		}
	}
	required("session_id", r.SessionID)
	required("title_id", r.TitleCode)
	required("title_version", r.TitleVersion)
	required("content_hash", r.MinutesHash)
	if _, err := time.Parse(time.DateOnly, r.JuryDate); err != nil {
		vs.Add("jury_date", "must be a date YYYY-MM-DD")
	}
	if r.Type != SessionTitre && r.Type != SessionCcp {
		vs.Add("type", "must be TITRE or CCP")
	}
	for i, l := range r.Lines {
		required("lines["+strconv.Itoa(i)+"].candidate_id", l.CandidateID)
	}
	return vs.Err()
}

// CheckSigned enforces R50 before a validation: the minutes carry
// signatures, and every one is bound to the minutes' hash.
func (r SessionResult) CheckSigned() error {
	if len(r.Signatures) == 0 {
		return ErrMinutesUnsigned.WithMeta("session_id", r.SessionID)
	}
	for _, s := range r.Signatures {
		if s.ContentHash != r.MinutesHash {
			return ErrMinutesUnsigned.
				WithMessage("juror "+s.JurorSubject+" signed other minutes than the ones received").
				WithMeta("session_id", r.SessionID).WithMeta("juror_subject", s.JurorSubject)
		}
	}
	return nil
}

// MarkValidated records the ministry's validation (R51). expectedHash is
// the minutes hash the officer examined; empty skips the comparison. A
// result validated already is ErrAlreadyValidated: a validation happens
// once, so that nothing is ever awarded twice.
func (r *SessionResult) MarkValidated(by string, at time.Time, expectedHash string) error {
	if err := r.checkCurrent(expectedHash); err != nil {
		return err
	}
	if r.State == Returned {
		return ErrMinutesReturned.WithMeta("session_id", r.SessionID)
	}
	if r.State == Validated {
		return ErrAlreadyValidated.
			WithMeta("session_id", r.SessionID).
			WithMeta("validated_by", r.ValidatedBy).
			WithMeta("validate_time", r.ValidatedAt.UTC().Format(time.RFC3339))
	}
	if expectedHash != "" && !strings.EqualFold(expectedHash, r.MinutesHash) {
		return ErrMinutesHashMismatch.
			WithMeta("session_id", r.SessionID).
			WithMeta("minutes_hash", r.MinutesHash)
	}
	if err := r.CheckSigned(); err != nil {
		return err
	}
	r.State, r.ValidatedBy, r.ValidatedAt = Validated, by, at
	r.ValidatedVersion = max(r.Version, 1)
	for i, v := range r.History {
		switch {
		case v.Number == r.Version:
			r.History[i].State, r.History[i].ValidatedAt = Validated, at
		case !v.ValidatedAt.IsZero():
			r.History[i].State = Superseded
		}
	}
	return nil
}

// SameMinutes reports whether other carries the same minutes as r: the
// same session and hash. A redelivered MinutesSigned does.
func (r SessionResult) SameMinutes(other SessionResult) bool {
	return r.SessionID == other.SessionID && r.MinutesHash == other.MinutesHash
}
