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

// JurorAssigned: a juror joined the jury.
type JurorAssigned struct {
	SessionID string
	Juror     jury.Juror
	At        time.Time
}

// JurorUnassigned: a juror left the jury.
type JurorUnassigned struct {
	SessionID string
	Subject   string
	At        time.Time
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
