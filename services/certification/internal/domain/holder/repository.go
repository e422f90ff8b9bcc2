package holder

import "context"

// Repository stores the projected identities.
type Repository interface {
	// Get returns the identity stored for a candidate, or ErrNotFound.
	Get(ctx context.Context, candidateID string) (Holder, error)
	// Upsert stores h unless an identity with a SourceVersion greater than
	// or equal to h's is stored already, and reports whether it wrote. The
	// check is part of the write, so that two writers racing cannot put an
	// older version over a newer one.
	Upsert(ctx context.Context, h Holder) (bool, error)
	// CandidateIDsOfSubject returns the ids of the candidate records bound
	// to an identity-provider subject, in order: how a candidate's token
	// finds their records.
	CandidateIDsOfSubject(ctx context.Context, subject string) ([]string, error)
}
