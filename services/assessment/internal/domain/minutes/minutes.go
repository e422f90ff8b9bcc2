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
	// Version is the minutes version (1 for the first; a return by the
	// ministry opens the next, R51) and PreviousHash the content hash of
	// the version it replaces ("" for the first). EncodingV3 covers both;
	// the earlier encodings are only used for a first version.
	Version      int
	PreviousHash string
	// FraudReports mentions every fraud report of the session (R57), by
	// filing order. EncodingV4 covers them; minutes that mention a report
	// are in EncodingV4, the others keep their encoding.
	FraudReports []FraudMention
}

// FraudMention is the mention in the minutes of one fraud report (R57):
// which report, on whom, when, by whom and the measure taken. The facts
// stay in the report, which the mention names.
type FraudMention struct {
	ReportID     string
	CandidacyID  string // empty: on the session
	CandidateID  string
	ObservedAt   string // RFC 3339, UTC, to the second
	ReporterRole string // JUROR or CENTRE
	ReporterName string
	Measure      string // NONE or EXCLUDED_FROM_EPREUVE
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
	Encoding     Encoding // the encoding ContentHash was computed over
}

// Minutes is the content with its hash and the signatures so far.
type Minutes struct {
	Content    Content
	Encoding   Encoding // the encoding Hash is computed over
	Hash       string
	Signatures []Signature
	Unsigned   []string // subjects of the jurors who have not signed yet
}

// Encoding names a canonical encoding of Content: the bytes the content
// hash is the SHA-256 of (docs/signatures.md). Consumers recompute the hash,
// so an encoding never changes once published; a new one gets a new name.
type Encoding string

// The encodings.
const (
	// EncodingV1 is the deterministic protobuf encoding of the
	// MinutesContent message. Protobuf does not promise that encoding to be
	// the same across languages or library versions, so it is no longer used
	// for new minutes; minutes signed in it keep it (ForSignatures).
	EncodingV1 Encoding = "titrepro-minutes/1"
	// EncodingV2 is the RFC 8785 (JCS) encoding of the content as a JSON
	// object, which any JCS implementation reproduces.
	EncodingV2 Encoding = "titrepro-minutes/2"
	// CurrentEncoding is the encoding of minutes no juror has signed yet.
	CurrentEncoding = EncodingV2
)

// ForSignatures returns the encoding of minutes with signatures sigs: the
// one the first juror signed, so that every juror of a session signs the
// same hash even across an upgrade; CurrentEncoding before any signature.
func ForSignatures(sigs []Signature) Encoding {
	if len(sigs) > 0 && sigs[0].Encoding != "" {
		return sigs[0].Encoding
	}
	return CurrentEncoding
}

// Hasher computes the content hash of the minutes in an encoding: hex
// SHA-256 of the canonical bytes. It is a port because the encodings are
// published formats (a protobuf message, a JSON object) that consumers
// recompute; an encoding it does not know is an error.
type Hasher interface {
	Hash(enc Encoding, c Content) (string, error)
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
