package result

import "context"

// Repository stores session results. Validation, which must commit with
// its awards, goes through the app layer's validation unit instead.
type Repository interface {
	// Record stores r, received from a MinutesSigned event, unless its
	// session has a result already. It reports whether it stored r. The
	// same minutes again (SameMinutes) are not stored and not an error;
	// the next version of returned minutes replaces them (Replaces, R51),
	// the earlier versions being kept; other minutes for the session are
	// ErrMinutesConflict.
	Record(ctx context.Context, r SessionResult) (bool, error)
	// Get returns the result of a session, or ErrNotFound.
	Get(ctx context.Context, sessionID string) (SessionResult, error)
	// List returns at most limit results in session id order, after the
	// session id after ("" starts at the beginning), only those in state
	// when state is not empty.
	List(ctx context.Context, state State, after string, limit int) ([]SessionResult, error)
	// ListOfCentre is List narrowed to the sessions of centre.
	ListOfCentre(ctx context.Context, centre string, state State, after string, limit int) ([]SessionResult, error)
	// ValidatedFor returns the validated results that have a line of the
	// candidate, by jury date then session id: what the person's record
	// shows of the jury's decisions (R51). A person sits a handful of
	// sessions; the list is not paged.
	ValidatedFor(ctx context.Context, candidateID string) ([]SessionResult, error)
	// Version returns minutes version n of a session as received, with its
	// validation, its return and the history; ErrVersionNotFound when the
	// session has no such version.
	Version(ctx context.Context, sessionID string, n int) (SessionResult, error)
}
