// Package candidacy holds a candidate's registration to a session: the
// scope of CCPs they sit, the facts about them the jury needs, the
// Dossier Professionnel snapshot attached to it (R34) and the jury's
// deliberation.
package candidacy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// maxEmployer bounds the employer's name, in characters.
const maxEmployer = 200

// Dossier is the submitted Dossier Professionnel snapshot attached to a
// candidacy.
type Dossier struct {
	SnapshotID   string
	ManifestHash string // hex SHA-256 of the snapshot manifest (R41)
	SubmittedAt  time.Time
}

// RequestKey makes a registration idempotent (AIP-155): a request is
// identified by its caller and request id; RequestHash fingerprints it.
type RequestKey struct {
	CreatedBy   string
	RequestID   string // empty: not idempotent
	RequestHash string
}

// Candidacy is a candidate registered to a session.
type Candidacy struct {
	ID        string
	SessionID string

	// Facts about the candidate, taken from the candidate projection at
	// registration and refreshed while the session is open to change.
	CandidateID          string
	CandidateSubject     string
	CandidateName        string
	TrainingOrganisation string

	Scope    []string // CCP codes, in the title's order
	Employer string   // declared on the candidacy, for R21

	Dossier      *Dossier
	Deliberation *deliberation.Deliberation

	// ReleasedAt is when the cancellation of the session released the
	// candidacy (release.go); zero while the candidacy holds.
	ReleasedAt time.Time
	// The candidate's access route (R24, R30), from the projection.
	AccessRoute candidate.AccessRoute
	// What happened besides (record.go): withdrawal or transfer, the
	// candidacy it was transferred from, attendance, adjustments (R46),
	// ECF results (R30).
	Withdrawal      *Withdrawal
	TransferredFrom *Ref
	Attendance      []Attendance
	Adjustments     []Adjustment
	ECF             []ECFResult

	Request   RequestKey
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Registration is a candidacy as a request describes it.
type Registration struct {
	CandidateID string
	Scope       []string // empty: the whole session
	Employer    string
}

// Check validates the fields of r that need nothing else.
func (r Registration) Check() error {
	var v apperr.Violations
	if r.CandidateID == "" {
		v.Add("candidacy.candidate_id", "required")
	}
	if utf8.RuneCountInString(r.Employer) > maxEmployer {
		v.Add("candidacy.employer", fmt.Sprintf("at most %d characters", maxEmployer))
	}
	return v.Err()
}

// ResolveScope returns the CCPs a candidacy sits, in the title's order. A
// session titre covers every CCP of the title: requested must be empty or
// name them all. A session CCP admits any non-empty subset of its CCPs;
// empty means all of them.
func ResolveScope(t title.Title, st title.SessionType, sessionCCPs, requested []string) ([]string, error) {
	invalid := func(desc string) error {
		return apperr.Invalid(apperr.FieldViolation{Field: "candidacy.ccp_codes", Description: desc})
	}
	seen := map[string]bool{}
	for _, c := range requested {
		if seen[c] {
			return nil, invalid("CCP " + c + " is repeated")
		}
		seen[c] = true
		if !slices.Contains(sessionCCPs, c) {
			return nil, invalid(fmt.Sprintf("%q is not a CCP of the session %v", c, sessionCCPs))
		}
	}
	switch {
	case len(requested) == 0:
		return t.InOrder(sessionCCPs), nil
	case st == title.SessionTitre && len(requested) != len(sessionCCPs):
		return nil, invalid("a session titre covers every CCP of the title: leave ccp_codes empty")
	}
	return t.InOrder(requested), nil
}

// New returns a candidacy of person to session sessionID with the resolved
// scope, registered at now.
func New(id, sessionID string, r Registration, scope []string, person candidate.Candidate, key RequestKey, now time.Time) Candidacy {
	return Candidacy{
		ID:                   id,
		SessionID:            sessionID,
		CandidateID:          person.ID,
		CandidateSubject:     person.Subject,
		CandidateName:        person.DisplayName(),
		TrainingOrganisation: person.TrainingOrganisation,
		AccessRoute:          person.AccessRoute,
		Scope:                slices.Clone(scope),
		Employer:             strings.TrimSpace(r.Employer),
		Request:              key,
		Version:              1,
		CreatedAt:            now,
		UpdatedAt:            now,
	}
}

// Etag is the candidacy's opaque version tag: its version in decimal.
func (c Candidacy) Etag() string { return strconv.FormatInt(c.Version, 10) }

// Party is what the jurors' declared links are checked against (R21).
func (c Candidacy) Party() jury.Party {
	return jury.Party{CandidacyID: c.ID, CandidateID: c.CandidateID, TrainingOrganisation: c.TrainingOrganisation, Employer: c.Employer}
}

// Deliberated reports whether the jury decided on the candidacy.
func (c Candidacy) Deliberated() bool { return c.Deliberation != nil }

// Attach attaches a submitted dossier snapshot and reports whether it
// changed anything: the latest submission wins until the candidacy is
// deliberated; an older or the same submission is ignored (events can be
// redelivered out of order).
func (c *Candidacy) Attach(d Dossier, now time.Time) bool {
	switch {
	case c.Deliberated():
		return false
	case c.Dossier != nil && (c.Dossier.SnapshotID == d.SnapshotID || d.SubmittedAt.Before(c.Dossier.SubmittedAt)):
		return false
	}
	c.Dossier = &d
	c.touch(now)
	return true
}

// Decide records the jury's deliberation, replacing an earlier one.
func (c *Candidacy) Decide(d deliberation.Deliberation, now time.Time) {
	c.Deliberation = &d
	c.touch(now)
}

// Refresh updates the facts taken from the candidate projection and reports
// whether any changed.
func (c *Candidacy) Refresh(person candidate.Candidate, now time.Time) bool {
	if c.CandidateSubject == person.Subject && c.CandidateName == person.DisplayName() &&
		c.TrainingOrganisation == person.TrainingOrganisation && c.AccessRoute == person.AccessRoute {
		return false
	}
	c.AccessRoute = person.AccessRoute
	c.CandidateSubject = person.Subject
	c.CandidateName = person.DisplayName()
	c.TrainingOrganisation = person.TrainingOrganisation
	c.touch(now)
	return true
}

func (c *Candidacy) touch(now time.Time) {
	c.Version++
	c.UpdatedAt = now
}

// Clone returns a deep copy of c, so that callers cannot change the
// aggregate's state through it.
func (c Candidacy) Clone() Candidacy {
	c.Scope = slices.Clone(c.Scope)
	c.cloneRecord()
	if c.Dossier != nil {
		d := *c.Dossier
		c.Dossier = &d
	}
	if c.Deliberation != nil {
		d := *c.Deliberation
		d.Decisions = slices.Clone(d.Decisions)
		c.Deliberation = &d
	}
	return c
}
