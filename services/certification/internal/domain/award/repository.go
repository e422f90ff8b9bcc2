package award

import "context"

// Repository reads certification records. CCPs enter a record through a
// validation, in its transaction (the app layer's validation unit).
type Repository interface {
	// HeldCcps returns every CCP a person holds, by title code, version
	// and CCP code.
	HeldCcps(ctx context.Context, candidateID string) ([]HeldCcp, error)
}
