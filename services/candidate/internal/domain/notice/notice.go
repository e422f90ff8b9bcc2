// Package notice is the domain of the candidate service's notifications
// (issue 8 §8): the e-mails that tell candidates and jurors they are
// convened to a session, that the session changed, was postponed or
// cancelled, and — only once the ministry validated the minutes (R51) —
// what the jury decided.
//
// The service learns sessions, jurors, candidacies, minutes and their
// validation from the assessment and certification events (projections
// kept in its own database), renders each message in French and writes it
// to its mail outbox in the transaction that records the event in the inbox:
// one message per event and recipient, identified by a Message-ID derived
// from both (MessageID), so that a redelivered event adds nothing. A relay
// sends the outbox (adapters/mailrelay).
//
// The package is pure Go: the types, the rendering (templates.go, french.go)
// and the Store the application layer writes through.
package notice

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// Kind is what a message is about.
type Kind string

// The kinds of message.
const (
	KindCandidateConvocation Kind = "candidate_convocation"
	KindJurorConvocation     Kind = "juror_convocation"
	KindJurorReleased        Kind = "juror_released"
	KindSessionUpdated       Kind = "session_updated"
	KindSessionPostponed     Kind = "session_postponed"
	KindSessionCancelled     Kind = "session_cancelled"
	KindResults              Kind = "results"
)

// SessionType is the type of a session.
type SessionType string

// The session types.
const (
	SessionTitre SessionType = "titre"
	SessionCCP   SessionType = "ccp"
)

// Session is what a message says of a session: the projection of
// SessionPlanned (and of the events that change a session).
type Session struct {
	ID              string
	CentreID        string
	Type            SessionType
	TitleID         string
	TitleVersion    string
	CCPCodes        []string
	StartDate       string // "YYYY-MM-DD"
	EndDate         string // "YYYY-MM-DD"
	DossierDeadline string // "YYYY-MM-DD", may be empty
	Site            string // where the session takes place; empty when unknown
}

// Title is the projection of a published title version: its wording and
// the wording of its CCPs, for the messages.
type Title struct {
	ID      string
	Version string
	Label   string
	CCPs    []CCP
}

// CCP is one certificat de compétences professionnelles of a title.
type CCP struct {
	Code  string
	Label string
}

// CCPLabel returns the wording of code, or "" when the title does not have it.
func (t Title) CCPLabel(code string) string {
	for _, c := range t.CCPs {
		if c.Code == code {
			return c.Label
		}
	}
	return ""
}

// Person is a recipient: a name to greet and an address to write to.
type Person struct {
	Name  string
	Email string // empty while unknown (a juror whose address has not reached the service)
}

// Candidacy is a candidate registered for a session.
type Candidacy struct {
	ID          string
	SessionID   string
	CandidateID string
	CCPCodes    []string
}

// Juror is a member of a session's jury.
type Juror struct {
	Subject string
	Name    string
}

// Outcome is the jury's decision on one CCP.
type Outcome string

// The outcomes.
const (
	Obtained    Outcome = "obtained"
	NotObtained Outcome = "not_obtained"
)

// TitleOutcome is the outcome of a candidacy derived from its CCP decisions.
type TitleOutcome string

// The title outcomes.
const (
	TitleAwarded TitleOutcome = "awarded"
	TitlePartial TitleOutcome = "partial"
	TitleFailed  TitleOutcome = "failed"
	TitleAbsent  TitleOutcome = "absent"
)

// Decision is the decision on one CCP, as in the signed minutes.
type Decision struct {
	CCPCode    string  `json:"ccp_code"`
	Outcome    Outcome `json:"outcome"`
	Motivation string  `json:"motivation,omitempty"`
}

// Line is one candidacy's decisions in the signed minutes.
type Line struct {
	CandidacyID  string       `json:"candidacy_id"`
	CandidateID  string       `json:"candidate_id"`
	TitleOutcome TitleOutcome `json:"title_outcome"`
	Decisions    []Decision   `json:"decisions"`
}

// Minutes are a session's signed minutes, identified by their content hash.
type Minutes struct {
	SessionID   string
	ContentHash string
	JuryDate    string // "YYYY-MM-DD"
	Lines       []Line
}

// Line returns the line of a candidate.
func (m Minutes) Line(candidateID string) (Line, bool) {
	for _, l := range m.Lines {
		if l.CandidateID == candidateID {
			return l, true
		}
	}
	return Line{}, false
}

// Same reports whether two lines carry the same decisions.
func (l Line) Same(o Line) bool {
	if l.TitleOutcome != o.TitleOutcome || len(l.Decisions) != len(o.Decisions) {
		return false
	}
	for i := range l.Decisions {
		if l.Decisions[i] != o.Decisions[i] {
			return false
		}
	}
	return true
}

// Validation is the ministry's validation of one version of a session's
// minutes (ResultsValidated): results may be told from then on, never
// before (R51).
type Validation struct {
	EventID     string // the ResultsValidated event: the Message-IDs derive from it
	SessionID   string
	MinutesHash string
	ValidatedAt time.Time
}

// ChangeKind is how a session changed.
type ChangeKind string

// The changes.
const (
	ChangeUpdated   ChangeKind = "updated"   // dates, site or dossier deadline changed while planned
	ChangePostponed ChangeKind = "postponed" // moved to later dates
	ChangeCancelled ChangeKind = "cancelled" // will not take place
)

// Change is a change of a session, as its event tells it: the session as it
// is now (for a cancellation, as it was) and the reason given, if any.
type Change struct {
	Kind    ChangeKind
	Session Session
	Reason  string
	At      time.Time
}

// Status of a message in the mail outbox.
type Status string

// The statuses.
const (
	// StatusHeld: rendered, waiting for the recipient's address (a juror
	// whose address has not reached the service yet).
	StatusHeld      Status = "held"
	StatusPending   Status = "pending"   // to send
	StatusSent      Status = "sent"      // accepted by the mail server (or written to the pickup folder)
	StatusFailed    Status = "failed"    // refused for good, or out of attempts: an operator looks
	StatusCancelled Status = "cancelled" // no longer to send (the juror left the jury before their address was known)
)

// Mail is one message in the mail outbox.
type Mail struct {
	MessageID    string // MessageID(EventID, Kind, RecipientKey)
	EventID      string
	Kind         Kind
	RecipientKey string // "candidate:<id>" or "juror:<subject>"
	SessionID    string
	To           string // empty while held
	ToName       string
	Content      Content
	Status       Status
	CreatedAt    time.Time
	Attempts     int // sending attempts so far
}

// Content is a rendered message.
type Content struct {
	Subject string
	Text    string
	HTML    string
}

// CandidateKey and JurorKey are the recipient keys of a candidate and a juror.
func CandidateKey(candidateID string) string { return "candidate:" + candidateID }

// JurorKey is the recipient key of a juror.
func JurorKey(subject string) string { return "juror:" + subject }

// MessageIDDomain is the right-hand side of every Message-ID.
const MessageIDDomain = "notifications.titrepro"

// MessageID derives the Message-ID (without angle brackets) of the message
// of kind an event causes for a recipient. The same event, kind and
// recipient always give the same id: the mail outbox holds it once, and a
// mail system that receives it twice can drop the copy.
func MessageID(eventID string, kind Kind, recipientKey string) string {
	h := sha256.Sum256([]byte("titrepro-mail/1\x00" + eventID + "\x00" + string(kind) + "\x00" + recipientKey))
	return hex.EncodeToString(h[:20]) + "@" + MessageIDDomain
}

// ErrUnknown is returned by Store look-ups that find nothing.
var ErrUnknown = errors.New("notice: unknown")

// Store is what the notifications read and write, bound to the transaction
// of the event's inbox row.
type Store interface {
	// Lock serialises the transactions that read what another one writes
	// under the same key until the end of the transaction: the minutes
	// and the validation of a session, a juror's assignment and address,
	// which arrive through two consumers at once.
	Lock(ctx context.Context, key string) error
	SaveSession(ctx context.Context, s Session) error
	// Session returns ErrUnknown when the session has not reached the service.
	Session(ctx context.Context, id string) (Session, error)
	SaveTitle(ctx context.Context, t Title) error
	// Title returns ErrUnknown when the title version has not reached the service.
	Title(ctx context.Context, id, version string) (Title, error)
	// Candidate returns the candidate record's name and address, ErrUnknown
	// when there is none.
	Candidate(ctx context.Context, candidateID string) (Person, error)
	// JurorAddress returns the juror's name and address, ErrUnknown when
	// their address is not known.
	JurorAddress(ctx context.Context, subject string) (Person, error)
	SaveJurorAddress(ctx context.Context, subject string, p Person) error
	SaveCandidacy(ctx context.Context, c Candidacy) error
	// DeleteCandidacy forgets a candidacy (withdrawn, transferred): its
	// candidate is no longer told about the session.
	DeleteCandidacy(ctx context.Context, candidacyID string) error
	// Candidacies returns the session's candidacies, by id.
	Candidacies(ctx context.Context, sessionID string) ([]Candidacy, error)
	SetJuror(ctx context.Context, sessionID string, j Juror, assigned bool) error
	// Jurors returns the session's jurors, by subject.
	Jurors(ctx context.Context, sessionID string) ([]Juror, error)
	SaveMinutes(ctx context.Context, m Minutes) error
	// Minutes returns ErrUnknown when these minutes have not reached the service.
	Minutes(ctx context.Context, sessionID, contentHash string) (Minutes, error)
	SaveValidation(ctx context.Context, v Validation) error
	// Validation returns ErrUnknown when these minutes are not validated.
	Validation(ctx context.Context, sessionID, minutesHash string) (Validation, error)
	// PreviousValidation returns the latest validation of the session's
	// minutes other than minutesHash (the version a correction replaces),
	// ErrUnknown when there is none.
	PreviousValidation(ctx context.Context, sessionID, minutesHash string) (Validation, error)
	// Enqueue adds m to the mail outbox unless a message with its
	// MessageID is there already; it reports whether it added it.
	Enqueue(ctx context.Context, m Mail) (bool, error)
	// Release gives the held messages of recipientKey their address and
	// makes them pending; it returns how many.
	Release(ctx context.Context, recipientKey string, to Person) (int, error)
	// CancelHeld cancels the held messages of recipientKey about a session.
	CancelHeld(ctx context.Context, sessionID, recipientKey string) (int, error)
}
