package credential

import "context"

// StatusSource reads what the status list publishes, from the
// certificates: Next is the next status index to allocate (the list
// covers every index below it) and Set the indexes of the certificates
// whose status is not ISSUED (revoked, withdrawn).
type StatusSource interface {
	StatusBits(ctx context.Context) (next int64, set []int64, err error)
}
