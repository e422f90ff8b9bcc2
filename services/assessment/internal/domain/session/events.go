package session

import (
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
)

// Event is something that happened to a session, recorded by the aggregate
// and written to the outbox by the repository in the same transaction as
// the change.
type Event interface{ sessionEvent() }

// Planned: a centre created the session.
type Planned struct {
	Session Summary
	At      time.Time
}

// JurorAssigned: a juror joined the jury; AfterOpening when the session
// was already IN_PROGRESS (a juror replacing an absent one).
type JurorAssigned struct {
	SessionID    string
	Juror        jury.Juror
	AfterOpening bool
	At           time.Time
}

// JurorUnassigned: a juror left the jury; AfterOpening when the session
// was already IN_PROGRESS (a juror absent on the day, whose evaluations no
// longer count), with the reason the centre gave.
type JurorUnassigned struct {
	SessionID    string
	Subject      string
	Reason       string
	AfterOpening bool
	At           time.Time
}

// CandidacyRef names a candidacy and its candidate, for the events that
// tell people about a change of their session.
type CandidacyRef struct {
	CandidacyID string
	CandidateID string
}

// Updated: the centre changed a planned session's site, dates or dossier
// deadline. Session holds the new values, Fields the update-mask paths
// that changed (sorted); Candidacies and Jurors are the people concerned.
type Updated struct {
	Session     Summary
	Fields      []string
	Candidacies []CandidacyRef
	Jurors      []string
	At          time.Time
}

// Postponed: the session moved to later dates, for Reason. Before is the
// session as it was, Session as it is (PLANNED).
type Postponed struct {
	Before, Session Summary
	Reason          string
	Candidacies     []CandidacyRef
	Jurors          []string
	At              time.Time
}

// Cancelled: the session is cancelled for Reason; Candidacies are the
// candidacies it released.
type Cancelled struct {
	Session     Summary
	Reason      string
	Candidacies []CandidacyRef
	Jurors      []string
	At          time.Time
}

// CandidacyRegistered: a candidate was registered to the session.
type CandidacyRegistered struct {
	Candidacy candidacy.Candidacy
	At        time.Time
}

// CandidacyRecusalsChanged: the jurors recused from a candidacy (a
// declared link with its candidate, R21) changed, because what the
// candidacy knows of the candidate changed. Jurors lists them all, by
// subject; empty when none is recused any more.
type CandidacyRecusalsChanged struct {
	SessionID   string
	CandidacyID string
	CandidateID string
	Jurors      []string
	At          time.Time
}

// MinutesSigned: the last juror signed; the session is closed.
type MinutesSigned struct {
	Minutes minutes.Minutes
	At      time.Time
}

func (Planned) sessionEvent()             {}
func (JurorAssigned) sessionEvent()       {}
func (JurorUnassigned) sessionEvent()     {}
func (CandidacyRegistered) sessionEvent() {}
func (MinutesSigned) sessionEvent()       {}

func (CandidacyRecusalsChanged) sessionEvent() {}

func (Updated) sessionEvent()   {}
func (Postponed) sessionEvent() {}
func (Cancelled) sessionEvent() {}
