package award

import (
	"time"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// MinutesReturned: the ministry returned a session's signed minutes to its
// jury (R51). It is published alone, by ReturnResult.
type MinutesReturned struct {
	SessionID      string
	CentreID       string
	MinutesVersion int
	MinutesHash    string
	Return         result.Return
}

// AwardsCorrected: a validation corrected an earlier validated version of
// a session's minutes (R51), and the person's awards from that session
// change: the CCPs listed and the certificates listed are revoked; the
// CcpAwarded, TitleAwarded and LivretIssued events that follow it give the
// corrected awards.
type AwardsCorrected struct {
	CandidateID         string
	SessionID           string
	TitleCode           string
	TitleVersion        string
	CorrectedVersion    int
	CorrectedHash       string
	MinutesVersion      int
	MinutesHash         string
	RevokedCcps         []string
	RevokedCertificates []certificate.Number
	At                  time.Time
}

func (MinutesReturned) isEvent() {}
func (AwardsCorrected) isEvent() {}
