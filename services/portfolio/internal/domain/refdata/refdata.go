// Package refdata holds the portfolio service's copies of facts owned by
// other contexts, projected from their events: the candidates (owner,
// identity and access route for the cover, R42), the published title
// versions (their activity types, R35), the sessions with their jurors
// (who may read a submitted snapshot) and the candidacies with the jurors
// recused from them (onto which candidacy an owner may submit; which juror
// may not read a snapshot, R21).
//
// Events arrive at least once and possibly out of order, so each
// projection applies a change only when it is newer than what it holds:
// candidates by their record version, jurors and recusals by the time of
// the change. Title versions, planned sessions and registered candidacies
// are immutable facts: the first copy stays.
package refdata

import (
	"slices"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
)

// Errors of the projections.
var (
	// ErrCandidateNotFound: no candidate record with this id or subject
	// reached the service (yet).
	ErrCandidateNotFound = apperr.New(apperr.KindNotFound, "CANDIDATE_NOT_FOUND", "candidate not found")
	// ErrTitleNotFound: no such published title version reached the
	// service (yet).
	ErrTitleNotFound = apperr.New(apperr.KindNotFound, "TITLE_NOT_FOUND", "title version not found")
	// ErrSessionNotFound: no such session reached the service (yet).
	ErrSessionNotFound = apperr.New(apperr.KindNotFound, "SESSION_NOT_FOUND", "session not found")
	// ErrCandidacyNotFound: no such candidacy reached the service (yet).
	ErrCandidacyNotFound = apperr.New(apperr.KindNotFound, "CANDIDACY_NOT_FOUND", "candidacy not found")
)

// AccessRoute is a candidate's access route as the candidate service names
// it.
type AccessRoute string

// The access routes.
const (
	RouteUnknown        AccessRoute = ""
	RouteTraining       AccessRoute = "TRAINING"
	RouteApprenticeship AccessRoute = "APPRENTICESHIP"
	RouteVAE            AccessRoute = "VAE"
)

// PostalAddress is a postal address as the candidate record holds it.
type PostalAddress struct {
	Lines       []string
	PostalCode  string
	Locality    string
	CountryCode string
}

// Candidate is what the portfolio service knows of a candidate record.
type Candidate struct {
	ID         string
	Subject    string // identity-provider subject of the person; "" when none yet
	BirthName  string
	UsageName  string
	GivenNames []string
	Address    *PostalAddress
	Route      AccessRoute
	// Version is the candidate record's version this copy comes from; only
	// a newer one replaces it.
	Version int64
}

// Newer reports whether incoming should replace stored (nil when none is
// stored): only a strictly higher version does, so that replays and
// out-of-order deliveries end with the highest version.
func Newer(stored *Candidate, incoming Candidate) bool {
	return stored == nil || incoming.Version > stored.Version
}

// ActivityType is a CCP of a title: one activity type each (domain.md §5.2).
type ActivityType struct {
	CCPCode string
	Order   int
	Label   string
}

// Title is a published title version.
type Title struct {
	ID            string // ministry code, e.g. "TP-00495"
	Version       string // millésime, e.g. "2008"
	Label         string
	ActivityTypes []ActivityType // in order
	PublishedAt   time.Time
}

// HasCCP reports whether code is an activity type of t.
func (t Title) HasCCP(code string) bool {
	return slices.ContainsFunc(t.ActivityTypes, func(a ActivityType) bool { return a.CCPCode == code })
}

// CCPCodes returns the CCP codes of t in order.
func (t Title) CCPCodes() []string {
	out := make([]string, 0, len(t.ActivityTypes))
	for _, a := range t.ActivityTypes {
		out = append(out, a.CCPCode)
	}
	return out
}

// SessionType is the type of a validation session.
type SessionType string

// The session types.
const (
	SessionTitre SessionType = "TITRE"
	SessionCCP   SessionType = "CCP"
)

// Session is a validation session as planned by its centre.
type Session struct {
	ID           string
	CentreID     string
	Type         SessionType
	TitleID      string
	TitleVersion string
	CCPCodes     []string // the CCPs assessed; every CCP for a session titre
	StartDate    string
	EndDate      string
}

// JurorChange is an assignment or removal of a juror, at the time the
// assessment service committed it.
type JurorChange struct {
	SessionID string
	Subject   string
	Assigned  bool
	At        time.Time
}

// Candidacy is a candidate's registration to a session, as the assessment
// service registered it.
type Candidacy struct {
	ID          string
	SessionID   string
	CandidateID string   // candidate service id
	CCPCodes    []string // the CCPs the candidate sits
}

// Recusals are the jurors recused from a candidacy (a declared link with
// its candidate, R21), as of the change at At. A recused juror reads
// nothing of the candidacy's dossier.
type Recusals struct {
	CandidacyID string
	SessionID   string
	CandidateID string
	Jurors      []string // subjects; empty when none is recused
	At          time.Time
}
