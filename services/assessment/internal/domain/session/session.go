// Package session is the aggregate of a validation session: the session
// itself (title version, type, centre, dates, state), its jury, its
// candidacies, the jurors' evaluations, the deliberations and the signed
// minutes. It is one consistency boundary because the rules cross those
// parts: a juror's declared links are checked against every candidacy
// (R21), a deliberation needs every juror's evaluation (R49), the minutes
// need every deliberation and every juror's signature (R50). An evaluation
// is the exception: an aggregate of its own with its own version, which
// the session guards but does not version (RecordEvaluation, ADR 0006), so
// that jurors scoring one session do not contend.
//
// Lifecycle (domain.md §19.4, simplified): PLANNED → IN_PROGRESS →
// DELIBERATED → CLOSED. Once CLOSED nothing changes. A session PLANNED, or
// IN_PROGRESS before any deliberation, may be CANCELLED (changes.go),
// which is as final as CLOSED; an IN_PROGRESS session whose jury fell
// below two members may be postponed back to PLANNED (domain.md §9.2).
package session

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/fraud"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// State is the lifecycle state of a session.
type State string

// The states.
const (
	StatePlanned     State = "PLANNED"
	StateInProgress  State = "IN_PROGRESS"
	StateDeliberated State = "DELIBERATED"
	StateClosed      State = "CLOSED"
	StateCancelled   State = "CANCELLED"
)

// RequestKey makes a creation idempotent (AIP-155).
type RequestKey = candidacy.RequestKey

// evalKey identifies an evaluation within a session.
type evalKey struct{ candidacyID, juror string }

// Session is the aggregate root. Its parts are changed only through its
// methods; accessors return copies.
type Session struct {
	id           string
	centreID     string
	typ          title.SessionType
	titleID      string
	titleVersion string
	ccps         []string
	site         string
	start, end   civildate.Date
	deadline     civildate.Date
	state        State

	jurors      []jury.Juror           // by subject
	candidacies []*candidacy.Candidacy // by id
	evaluations map[evalKey]*evaluation.Evaluation
	signatures  []minutes.Signature // in signing order
	frauds      []fraud.Report      // in filing order (R57)

	// The minutes version being drawn up or signed (R51): 1, then one more
	// for each return by the ministry; previousHash is the content hash of
	// the version returned, reopened the return (nil before any).
	minutesVersion int
	previousHash   string
	reopened       *minutes.Return
	returned       *minutes.Minutes // the version Reopen ended, until saved

	request   RequestKey
	version   int64
	createdAt time.Time
	updatedAt time.Time

	changed bool
	events  []Event

	part bool // loaded by Repository.GetPart: holds only some candidacies
}

// Summary is the session without its parts, as lists show it.
type Summary struct {
	ID, CentreID          string
	Type                  title.SessionType
	TitleID, TitleVersion string
	CCPs                  []string
	Site                  string
	Start, End, Deadline  civildate.Date
	State                 State
	JurorCount            int
	CandidacyCount        int
	Version               int64
	CreatedAt, UpdatedAt  time.Time
}

// Etag is the session's opaque version tag: its version in decimal.
func (s Summary) Etag() string { return strconv.FormatInt(s.Version, 10) }

// New plans a session of centre centreID on title t (the version d names),
// created at now. key is kept for idempotent retries.
func New(id, centreID string, d Draft, t title.Title, key RequestKey, now time.Time) (*Session, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	if t.ID != d.TitleID || t.Version != d.TitleVersion {
		return nil, title.ErrUnknown
	}
	ccps, err := d.resolveCCPs(t)
	if err != nil {
		return nil, err
	}
	start, end, deadline := d.dates()
	s := &Session{
		id: id, centreID: centreID, typ: d.Type, titleID: d.TitleID, titleVersion: d.TitleVersion,
		ccps: ccps, site: d.site(), start: start, end: end, deadline: deadline, state: StatePlanned,
		evaluations: map[evalKey]*evaluation.Evaluation{},
		request:     key, version: 1, createdAt: now, updatedAt: now, minutesVersion: 1,
	}
	s.record(Planned{Session: s.Summary(), At: now})
	return s, nil
}

// ID returns the session's id.
func (s *Session) ID() string { return s.id }

// CentreID returns the organising centre.
func (s *Session) CentreID() string { return s.centreID }

// Type returns the session type.
func (s *Session) Type() title.SessionType { return s.typ }

// TitleID returns the title code.
func (s *Session) TitleID() string { return s.titleID }

// TitleVersion returns the title version.
func (s *Session) TitleVersion() string { return s.titleVersion }

// State returns the lifecycle state.
func (s *Session) State() State { return s.state }

// Version returns the version of the session and everything in it but the
// evaluations, which have their own.
func (s *Session) Version() int64 { return s.version }

// Etag returns the opaque version tag.
func (s *Session) Etag() string { return strconv.FormatInt(s.version, 10) }

// CreatedAt returns the creation time.
func (s *Session) CreatedAt() time.Time { return s.createdAt }

// Request returns the key of the request that created the session.
func (s *Session) Request() RequestKey { return s.request }

// Summary returns the session without its parts.
func (s *Session) Summary() Summary {
	return Summary{
		ID: s.id, CentreID: s.centreID, Type: s.typ, TitleID: s.titleID, TitleVersion: s.titleVersion,
		CCPs: slices.Clone(s.ccps), Site: s.site, Start: s.start, End: s.end, Deadline: s.deadline,
		State: s.state, JurorCount: len(s.jurors), CandidacyCount: len(s.candidacies),
		Version: s.version, CreatedAt: s.createdAt, UpdatedAt: s.updatedAt,
	}
}

// Jurors returns the jury, by subject.
func (s *Session) Jurors() []jury.Juror {
	out := make([]jury.Juror, len(s.jurors))
	for i, j := range s.jurors {
		j.Links = slices.Clone(j.Links)
		out[i] = j
	}
	return out
}

// HasJuror reports whether subject sits on the jury.
func (s *Session) HasJuror(subject string) bool {
	_, ok := s.juror(subject)
	return ok
}

// IsPart reports whether s is a part of the session (Repository.GetPart):
// its own fields, jury and signatures, but only the candidacies the part
// names and their evaluations. A part answers for those candidacies; it is
// never saved.
func (s *Session) IsPart() bool { return s.part }

// Candidacies returns the candidacies, by id (of a part: those it holds).
func (s *Session) Candidacies() []candidacy.Candidacy {
	out := make([]candidacy.Candidacy, len(s.candidacies))
	for i, c := range s.candidacies {
		out[i] = c.Clone()
	}
	return out
}

// Candidacy returns one candidacy, or ErrCandidacyNotFound.
func (s *Session) Candidacy(id string) (candidacy.Candidacy, error) {
	c, ok := s.candidacy(id)
	if !ok {
		return candidacy.Candidacy{}, ErrCandidacyNotFound.WithMeta("candidacy", id)
	}
	return c.Clone(), nil
}

// Conflicted reports whether juror subject declared a link with the
// candidate of candidacy id (R21).
func (s *Session) Conflicted(subject, candidacyID string) bool {
	j, ok := s.juror(subject)
	c, found := s.candidacy(candidacyID)
	if !ok || !found {
		return false
	}
	_, hit := j.ConflictWith(c.Party())
	return hit
}

// PullEvents returns the events recorded since the last call and forgets
// them.
func (s *Session) PullEvents() []Event {
	ev := s.events
	s.events = nil
	return ev
}

func (s *Session) record(e Event) { s.events = append(s.events, e) }

// touch marks a change at now: the version grows once per load, however
// many changes one operation makes.
func (s *Session) touch(now time.Time) {
	if !s.changed {
		s.version++
		s.changed = true
	}
	s.updatedAt = now
}

func (s *Session) writable() error {
	switch s.state {
	case StateClosed:
		return ErrClosed
	case StateCancelled:
		return ErrCancelled
	}
	return nil
}

// final reports whether nothing may change any more: the minutes are
// signed or the session was cancelled.
func (s *Session) final() bool { return s.state == StateClosed || s.state == StateCancelled }

func (s *Session) juror(subject string) (jury.Juror, bool) {
	i, ok := slices.BinarySearchFunc(s.jurors, subject, func(j jury.Juror, sub string) int { return strings.Compare(j.Subject, sub) })
	if !ok {
		return jury.Juror{}, false
	}
	return s.jurors[i], true
}

func (s *Session) candidacy(id string) (*candidacy.Candidacy, bool) {
	i, ok := slices.BinarySearchFunc(s.candidacies, id, func(c *candidacy.Candidacy, id string) int { return strings.Compare(c.ID, id) })
	if !ok {
		return nil, false
	}
	return s.candidacies[i], true
}
