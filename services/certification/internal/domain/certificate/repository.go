package certificate

import "context"

// Repository reads issued certificates. Certificates are written by a
// validation, in its transaction (the app layer's validation unit).
type Repository interface {
	// Get returns the certificate with number n, or ErrNotFound.
	Get(ctx context.Context, n Number) (Certificate, error)
	// List returns at most limit certificates in number order, after the
	// number after ("" starts at the beginning). With candidateIDs
	// non-nil, only theirs (none for an empty slice).
	List(ctx context.Context, candidateIDs []string, after Number, limit int) ([]Certificate, error)
	// NumbersOf returns the numbers of a person's certificates, in order.
	NumbersOf(ctx context.Context, candidateID string) ([]Number, error)
}
