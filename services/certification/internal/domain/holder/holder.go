// Package holder is the certification service's copy of a person's civil
// identity, projected from the candidate service's events. It is the
// identity printed on certificates and the key to who may read a record.
//
// The candidate service numbers every state of a candidate record with a
// version that starts at 1 and grows by one per change. Events may arrive
// twice (at-least-once delivery) or out of order (redelivery after a
// failure), so the projection keeps the version it holds and applies an
// event only when it carries a newer version (Decide). An older or equal
// version is acknowledged and ignored: the stored identity already
// reflects that change or a later one.
package holder

import (
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
)

// Holder is the civil identity of a person as last registered with the
// candidate service.
type Holder struct {
	CandidateID      string   // id of the candidate record in the candidate service
	Subject          string   // identity-provider subject; empty when unknown
	BirthName        string   // nom de naissance
	UsageName        string   // nom d'usage; optional
	GivenNames       []string // in civil-status order
	BirthDate        string   // "YYYY-MM-DD", as the candidate service sent it
	BirthCommune     string
	BirthCountryCode string // ISO 3166-1 alpha-2
	// Sex ("M" or "F") and BirthInseeCode (the birth commune's INSEE code,
	// "99xxx" abroad) are what the CPF deposit needs besides (R56); empty
	// when the candidate record does not hold them.
	Sex            string
	BirthInseeCode string
	// SourceVersion is the version of the candidate record this identity
	// comes from; only a newer one replaces it (Decide).
	SourceVersion int64
	// UpdatedAt is when the candidate service committed that version.
	UpdatedAt time.Time
}

// Validate checks what the projection relies on: an id to store the
// identity under, and a version to order changes by. The rest is copied as
// the candidate service, which owns and validates it, sent it.
func (h Holder) Validate() error {
	var vs apperr.Violations
	if strings.TrimSpace(h.CandidateID) == "" {
		vs.Add("candidate_id", "is required")
	}
	if h.SourceVersion < 1 {
		vs.Add("source_version", "must be 1 or more")
	}
	return vs.Err()
}

// Outcome is what to do with an incoming identity.
type Outcome int

// The outcomes of Decide.
const (
	// Apply: no identity is stored yet, or the incoming one is newer.
	Apply Outcome = iota + 1
	// Duplicate: the same version is stored already (a redelivery).
	Duplicate
	// Stale: a newer version is stored already (an out-of-order delivery).
	Stale
)

func (o Outcome) String() string {
	switch o {
	case Apply:
		return "apply"
	case Duplicate:
		return "duplicate"
	case Stale:
		return "stale"
	default:
		return "unknown"
	}
}

// Decide compares an incoming identity with the stored one (stored is nil
// when the person is not known yet). Only a strictly newer SourceVersion is
// applied, so that applying events in any order, any number of times, ends
// with the identity of the highest version.
func Decide(stored *Holder, incoming Holder) Outcome {
	switch {
	case stored == nil || incoming.SourceVersion > stored.SourceVersion:
		return Apply
	case incoming.SourceVersion == stored.SourceVersion:
		return Duplicate
	default:
		return Stale
	}
}
