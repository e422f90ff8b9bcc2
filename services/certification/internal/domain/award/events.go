package award

import (
	"time"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// Event is one of the events a validation publishes for the ministry's
// systems, in this order: ResultsValidated, then for each candidate the
// CcpAwarded of the CCPs entering the record, then TitleAwarded or
// LivretIssued.
type Event interface{ isEvent() }

// ResultsValidated: the ministry validated a session's minutes (R51).
type ResultsValidated struct {
	SessionID    string
	CentreID     string
	TitleCode    string
	TitleVersion string
	JuryDate     string
	MinutesHash  string
	ValidatedBy  string
	At           time.Time
	// MinutesVersion is the version validated; CorrectedVersion the
	// validated version it corrects (0 for a first validation, R51).
	MinutesVersion   int
	CorrectedVersion int
}

// CcpAwarded: a CCP entered a person's record (R53).
type CcpAwarded struct {
	Ccp   HeldCcp
	Label string
	At    time.Time
}

// TitleAwarded: the titre was issued (R52, R54).
type TitleAwarded struct {
	Certificate certificate.Certificate
	RNCPID      string
}

// LivretIssued: a livret de certification was issued (R52).
type LivretIssued struct {
	Certificate certificate.Certificate
}

func (ResultsValidated) isEvent() {}
func (CcpAwarded) isEvent()       {}
func (TitleAwarded) isEvent()     {}
func (LivretIssued) isEvent()     {}
