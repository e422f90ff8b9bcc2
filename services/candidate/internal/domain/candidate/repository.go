package candidate

import (
	"context"
	"time"
)

// Repository persists candidates. Every write commits the record together
// with the events the aggregate recorded, atomically.
type Repository interface {
	// Create stores c, unless key names a request the same caller already
	// made: then it returns the record that request created if the request
	// hash matches, or ErrRequestIDReused. A subject already bound to another
	// record gives ErrAlreadyRegistered.
	Create(ctx context.Context, c *Candidate, key CreateKey) (*Candidate, error)
	// Get returns the candidate with this id, or ErrNotFound.
	Get(ctx context.Context, id string) (*Candidate, error)
	// List returns up to q.Limit candidates matching q, oldest first.
	List(ctx context.Context, q ListQuery) ([]*Candidate, error)
	// Update loads the candidate, applies fn and, if fn recorded a change,
	// saves it with its events provided nobody else saved in between
	// (ErrVersionConflict otherwise). If fn fails nothing is written. It
	// returns the candidate as stored.
	Update(ctx context.Context, id string, fn func(c *Candidate) error) (*Candidate, error)
}

// CreateKey makes a create idempotent (AIP-155): a request is identified by
// its caller and request id; RequestHash fingerprints its content.
type CreateKey struct {
	CreatedBy   string // subject of the caller
	RequestID   string // empty: not idempotent
	RequestHash string
}

// ListQuery selects candidates. Empty filters match everything.
type ListQuery struct {
	CentreID string  // only candidates registered by this centre
	Subject  string  // only the candidate bound to this subject
	After    *Cursor // start after this position; nil: from the oldest
	Limit    int
}

// Cursor is a position in the (creation time, id) order of candidates.
type Cursor struct {
	CreatedAt time.Time
	ID        string
}
