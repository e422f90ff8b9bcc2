package candidate

import (
	"errors"
	"strconv"
	"time"
)

// Candidate is a person who seeks a titre professionnel. It is created valid
// by New and changed only through Update, which keep its invariants: every
// field well formed and the access route carrying exactly its evidence.
type Candidate struct {
	id        string
	centreID  string
	details   Details
	version   int64
	createdAt time.Time
	updatedAt time.Time

	events []Event
}

// New validates d at instant now and returns a candidate at version 1 that
// records a Registered event. centreID is the registering centre, empty for
// a self-registration. Surrounding white space is trimmed from every text.
func New(id, centreID string, d Details, now time.Time) (*Candidate, error) {
	if id == "" {
		return nil, errors.New("candidate: empty id")
	}
	d = d.normalized()
	if err := d.validate(now, allTimeChecks); err != nil {
		return nil, err
	}
	now = storedTime(now)
	c := &Candidate{id: id, centreID: centreID, details: d, version: 1, createdAt: now, updatedAt: now}
	c.events = append(c.events, Registered{Candidate: c.snapshot()})
	return c, nil
}

// UnmarshalCandidateFromDatabase rebuilds a stored candidate without
// validating it: it was valid when written, and rules may have tightened
// since. Only repositories call it.
func UnmarshalCandidateFromDatabase(id, centreID string, d Details, version int64, createdAt, updatedAt time.Time) *Candidate {
	return &Candidate{
		id: id, centreID: centreID, details: d.clone(), version: version,
		createdAt: createdAt.UTC(), updatedAt: updatedAt.UTC(),
	}
}

// storedTime is now as the database keeps it: UTC with microsecond
// precision (PostgreSQL's), so what a call returns equals what a later read
// returns.
func storedTime(now time.Time) time.Time { return now.UTC().Truncate(time.Microsecond) }

// ID returns the server-assigned identifier.
func (c *Candidate) ID() string { return c.id }

// CentreID returns the centre that registered the candidate, "" when
// self-registered.
func (c *Candidate) CentreID() string { return c.centreID }

// Subject returns the identity-provider subject bound to the record, if any.
func (c *Candidate) Subject() string { return c.details.Subject }

// Details returns a copy of the client-written fields.
func (c *Candidate) Details() Details { return c.details.clone() }

// Version returns the record version: 1 on creation, +1 per change.
func (c *Candidate) Version() int64 { return c.version }

// Etag returns the opaque version tag of the record (AIP-154).
func (c *Candidate) Etag() string { return strconv.FormatInt(c.version, 10) }

// CreatedAt returns the creation time.
func (c *Candidate) CreatedAt() time.Time { return c.createdAt }

// UpdatedAt returns the time of the last change.
func (c *Candidate) UpdatedAt() time.Time { return c.updatedAt }

// CheckEtag returns ErrVersionConflict unless etag is the current one.
func (c *Candidate) CheckEtag(etag string) error {
	if etag != c.Etag() {
		return ErrVersionConflict.WithMeta("current_etag", c.Etag())
	}
	return nil
}

// PullEvents returns the events recorded since the last call and forgets
// them.
func (c *Candidate) PullEvents() []Event {
	events := c.events
	c.events = nil
	return events
}

// snapshot returns a copy of c without its pending events, for an event.
func (c *Candidate) snapshot() *Candidate {
	s := *c
	s.details = c.details.clone()
	s.events = nil
	return &s
}
