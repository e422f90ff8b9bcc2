// Package minutes holds a session's procès-verbal (PV): the decisions on
// every candidacy, drawn up after the deliberation, and the jurors'
// signatures, each bound to the hash of the content it signs (R50).
package minutes

import (
	"slices"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// Content is what the minutes say and what a signature is bound to.
type Content struct {
	SessionID    string
	CentreID     string
	Type         title.SessionType
	TitleID      string
	TitleVersion string
	JuryDate     string // the session's last day, "YYYY-MM-DD"
	Lines        []Line // by candidacy id
	Jurors       []Juror
}

// Line is the decision on one candidacy.
type Line struct {
	CandidacyID         string
	CandidateID         string
	Decisions           []deliberation.Decision
	Outcome             deliberation.TitleOutcome
	DossierManifestHash string
}

// Juror is a member of the jury named in the minutes; every one must sign.
type Juror struct {
	Subject string
	Name    string
}

// Signature is one juror's signature.
type Signature struct {
	JurorSubject string
	JurorName    string
	SignedAt     time.Time
	ContentHash  string
}

// Minutes is the content with its hash and the signatures so far.
type Minutes struct {
	Content    Content
	Hash       string
	Signatures []Signature
	Unsigned   []string // subjects of the jurors who have not signed yet
}

// Hasher computes the content hash of the minutes: hex SHA-256 of a
// canonical encoding. It is a port because the encoding is the published
// protobuf message MinutesContent, which consumers recompute.
type Hasher interface {
	Hash(c Content) (string, error)
}

// Errors of the minutes.
var (
	// ErrChanged: the hash a juror signs is not the current content's (R50).
	ErrChanged = apperr.New(apperr.KindFailedPrecondition, "MINUTES_CHANGED",
		"the minutes changed since you read them: read them again and sign their current content_hash").WithRule("R50")
	// ErrAlreadySigned: the juror signed already.
	ErrAlreadySigned = apperr.New(apperr.KindAlreadyExists, "MINUTES_ALREADY_SIGNED", "you already signed these minutes")
)

// SignedBy reports whether subject signed m.
func (m Minutes) SignedBy(subject string) bool {
	return slices.ContainsFunc(m.Signatures, func(s Signature) bool { return s.JurorSubject == subject })
}
