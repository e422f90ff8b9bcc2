package refdata

import "context"

// Schedule is a session's dates and state as its latest change set them
// (SessionPlanned, SessionUpdated, SessionPostponed, SessionCancelled):
// when its dossiers are due (R40) and whether it still takes any. Version
// is the session's version after that change (1 when planned); only a
// higher one replaces a stored schedule, so that replays and late
// deliveries end with the latest change.
type Schedule struct {
	SessionID       string
	StartDate       string // "YYYY-MM-DD"
	EndDate         string
	DossierDeadline string // "YYYY-MM-DD"; "" when the change did not carry it
	Cancelled       bool
	Version         int64
}

// Schedules stores the session schedules.
type Schedules interface {
	// Get returns the session's schedule, or ErrSessionNotFound.
	Get(ctx context.Context, sessionID string) (Schedule, error)
	// Apply stores s unless a version greater than or equal to s's is
	// stored already, and reports whether it wrote. A schedule without
	// a deadline keeps the stored one.
	Apply(ctx context.Context, s Schedule) (bool, error)
}
