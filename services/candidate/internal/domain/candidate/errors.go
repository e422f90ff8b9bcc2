package candidate

import "github.com/titrepro/titrepro/internal/apperr"

// Errors of the candidate domain. Compare with errors.Is: it matches on the
// reason, whatever message or metadata a copy carries.
var (
	// ErrNotFound: no candidate has this id.
	ErrNotFound = apperr.New(apperr.KindNotFound, "CANDIDATE_NOT_FOUND", "candidate not found")

	// ErrAlreadyRegistered: a record is already bound to this subject; a
	// person has at most one candidate record.
	ErrAlreadyRegistered = apperr.New(apperr.KindAlreadyExists, "CANDIDATE_ALREADY_REGISTERED",
		"a candidate record already exists for this subject")

	// ErrRequestIDReused: the caller already used this request_id to create a
	// different candidate (AIP-155).
	ErrRequestIDReused = apperr.New(apperr.KindAlreadyExists, "REQUEST_ID_REUSED",
		"request_id was already used to create a different candidate")

	// ErrVersionConflict: the etag sent is not the current one, or another
	// change committed first. Get the candidate again and retry.
	ErrVersionConflict = apperr.New(apperr.KindAborted, "CANDIDATE_VERSION_CONFLICT",
		"the candidate changed since it was read; get it again and retry with its new etag")

	// ErrVAEAdmissibilityExpired: the VAE admissibility is older than one
	// year (R25).
	ErrVAEAdmissibilityExpired = apperr.New(apperr.KindFailedPrecondition, "VAE_ADMISSIBILITY_EXPIRED",
		"the VAE admissibility decision has expired (valid one year, R25)").WithRule("R25")
)
