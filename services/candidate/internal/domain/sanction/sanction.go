// Package sanction holds the sanctions the ministry (the DREETS)
// pronounces against a candidate after a fraud (R58): from the immediate
// exclusion from the session to a ban from registering to any session for
// a period from its notification, at most a configurable maximum (one
// year by default). A ban runs on civil dates (Europe/Paris) and ends on
// its own; the assessment service, which registers candidates to
// sessions, keeps the bans it learns from SanctionPronounced and refuses
// registrations during them.
package sanction

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
)

// Kind is the kind of a sanction.
type Kind string

// The kinds.
const (
	// KindExclusion: the candidate is excluded from the session; recorded,
	// it blocks nothing else.
	KindExclusion Kind = "EXCLUSION"
	// KindBan: the candidate may not be registered to a session for
	// DurationMonths from the notification.
	KindBan Kind = "BAN"
)

// Limits.
const (
	// DefaultMaxBanMonths is the longest ban when the configuration says
	// nothing: one year (R58).
	DefaultMaxBanMonths = 12
	// MaxPerCandidate bounds the sanctions of one candidate.
	MaxPerCandidate = 50
	maxReference    = 100
	maxMotivation   = 2000
	maxSessionID    = 100
)

// Input is what the ministry officer decides.
type Input struct {
	Kind           Kind
	DurationMonths int
	NotifiedOn     string // "YYYY-MM-DD"
	Reference      string // e.g. the fraud report id
	Motivation     string
	SessionID      string
}

// Sanction is a sanction as recorded.
type Sanction struct {
	ID             string
	CandidateID    string
	Kind           Kind
	DurationMonths int
	NotifiedOn     civildate.Date
	// EndsOn is, for a ban, the first day the candidate may register again:
	// NotifiedOn plus DurationMonths. The ban covers [NotifiedOn, EndsOn).
	EndsOn     civildate.Date
	Reference  string
	Motivation string
	SessionID  string
	By         string // subject of the ministry officer
	At         time.Time
}

// Repository keeps the sanctions.
type Repository interface {
	// Create stores s with its SanctionPronounced event, atomically.
	Create(ctx context.Context, s Sanction) error
	// List returns the candidate's sanctions, oldest first.
	List(ctx context.Context, candidateID string) ([]Sanction, error)
}

// Errors.
var (
	// ErrTooMany: the candidate holds MaxPerCandidate sanctions.
	ErrTooMany = apperr.New(apperr.KindFailedPrecondition, "SANCTIONS_EXHAUSTED",
		"this candidate holds the maximum number of sanctions").WithRule("R58")
)

// Pronounce checks in against the longest ban maxBanMonths and returns the
// sanction id of candidateID, pronounced by by at now. Every bad field is
// reported at once.
func Pronounce(id, candidateID string, in Input, maxBanMonths int, by string, now time.Time) (Sanction, error) {
	var v apperr.Violations
	switch in.Kind {
	case KindExclusion:
		if in.DurationMonths != 0 {
			v.Add("duration_months", "an exclusion has no duration")
		}
	case KindBan:
		if in.DurationMonths < 1 || in.DurationMonths > maxBanMonths {
			v.Add("duration_months", fmt.Sprintf("a ban lasts 1 to %d months", maxBanMonths))
		}
	default:
		v.Add("kind", "EXCLUSION or BAN")
	}
	notified, err := civildate.Parse(in.NotifiedOn)
	switch {
	case in.NotifiedOn == "":
		v.Add("notified_on", "the day the candidate was notified is required")
	case err != nil:
		v.Add("notified_on", "a date YYYY-MM-DD")
	case notified.After(civildate.Of(now)):
		v.Add("notified_on", "must not be in the future")
	}
	text := func(field, s string, limit int, required bool) string {
		s = strings.TrimSpace(s)
		switch {
		case required && s == "":
			v.Add(field, "required")
		case utf8.RuneCountInString(s) > limit || !utf8.ValidString(s):
			v.Add(field, fmt.Sprintf("at most %d characters of UTF-8", limit))
		}
		return s
	}
	ref := text("reference", in.Reference, maxReference, true)
	motivation := text("motivation", in.Motivation, maxMotivation, true)
	session := text("session_id", in.SessionID, maxSessionID, false)
	if len(v) > 0 {
		return Sanction{}, apperr.Invalid(v...).WithRule("R58")
	}
	s := Sanction{ID: id, CandidateID: candidateID, Kind: in.Kind, DurationMonths: in.DurationMonths, NotifiedOn: notified,
		Reference: ref, Motivation: motivation, SessionID: session, By: by, At: now.UTC()}
	if in.Kind == KindBan {
		s.EndsOn = notified.AddMonths(in.DurationMonths)
	}
	return s, nil
}

// Bans reports whether s forbids a registration on day: a ban, from its
// notification (inclusive) to EndsOn (exclusive).
func (s Sanction) Bans(day civildate.Date) bool {
	return s.Kind == KindBan && !day.Before(s.NotifiedOn) && day.Before(s.EndsOn)
}
