package session

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
)

// Repository persists sessions with everything in them. Update is the only
// way to change one: it loads the aggregate, applies fn and saves the result
// together with the events fn recorded, atomically. If fn fails nothing is
// written.
type Repository interface {
	// Create stores s, unless its request key names a request the same
	// caller already made: then it returns the session that request
	// created if the request hash matches, or ErrRequestIDReused.
	Create(ctx context.Context, s *Session) (*Session, error)
	// Get returns the session, or ErrNotFound.
	Get(ctx context.Context, id string) (*Session, error)
	// List returns up to q.Limit sessions matching q, oldest first.
	List(ctx context.Context, q ListQuery) ([]Summary, error)
	// Update loads the session, applies fn and, if fn changed it, saves it
	// with its events. A concurrent change is retried with fresh state, so
	// fn must be safe to run more than once. It returns the session as
	// stored.
	Update(ctx context.Context, id string, fn func(s *Session) error) (*Session, error)
	// GetPart returns the part p of session id: the session's own fields,
	// its jury and signatures, the candidacy p names with its evaluations
	// and the candidacy of p's candidate subject, read in a number of rows
	// bounded by the jury's size whatever the number of candidacies. A
	// candidacy that does not exist is absent from the part; an unknown
	// session is ErrNotFound.
	GetPart(ctx context.Context, id string, p Part) (*Session, error)
	// Score loads the part p of session id, applies fn, which records one
	// evaluation of p's candidacy (RecordEvaluation) and returns it, and
	// stores that evaluation under its own version, atomically. The session
	// is read, not written, so jurors scoring one session do not contend;
	// its state, jury and candidacies cannot change before the evaluation
	// is stored. A concurrent write of the same evaluation is retried with
	// fresh state, so fn must be safe to run more than once.
	Score(ctx context.Context, id string, p Part, fn func(s *Session) (evaluation.Evaluation, error)) (evaluation.Evaluation, error)
	// WithCandidate returns the ids of the sessions neither closed nor
	// cancelled where the candidate has a candidacy.
	WithCandidate(ctx context.Context, candidateID string) ([]string, error)
}

// ListQuery selects sessions. Empty filters match everything.
type ListQuery struct {
	CentreID         string         // organised by this centre
	JurorSubject     string         // where this juror sits
	CandidateSubject string         // where this person has a candidacy
	TitleID          string         // on this title (any version)
	From, To         civildate.Date // running on a day of [From, To]: zero bounds are open
	After            *Cursor        // start after this position; nil: from the oldest
	Limit            int
}

// Cursor is a position in the (creation time, id) order of sessions.
type Cursor struct {
	CreatedAt time.Time
	ID        string
}

// Part names the part of a session that one candidacy's use cases need.
type Part struct {
	CandidacyID      string // the candidacy acted on or read
	CandidateSubject string // optional: also the candidacy of this person, for access checks
}
