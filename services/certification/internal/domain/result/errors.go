package result

import "github.com/titrepro/titrepro/internal/apperr"

// Errors of the package. Match them with errors.Is (apperr matches on Reason).
var (
	// ErrNotFound reports a session whose signed minutes never arrived.
	ErrNotFound = apperr.New(apperr.KindNotFound, "RESULT_NOT_FOUND", "no signed minutes were received for this session")
	// ErrMinutesNotSigned refuses to validate a session whose signed
	// minutes never arrived: validation needs minutes signed by the whole
	// jury (R50, R51).
	ErrMinutesNotSigned = apperr.New(apperr.KindFailedPrecondition, "MINUTES_NOT_SIGNED",
		"no signed minutes were received for this session: results are validated, and awarded, only after every juror signed the minutes").
		WithRule("R51")
	// ErrMinutesUnsigned reports received minutes without signatures, or
	// with a signature bound to other content (R50).
	ErrMinutesUnsigned = apperr.New(apperr.KindFailedPrecondition, "MINUTES_SIGNATURES_INVALID",
		"the minutes are not signed by the jury on their content").WithRule("R50")
	// ErrAlreadyValidated reports a second validation of the same result.
	ErrAlreadyValidated = apperr.New(apperr.KindFailedPrecondition, "RESULTS_ALREADY_VALIDATED",
		"the session's results are validated already; its awards were made then").WithRule("R51")
	// ErrMinutesHashMismatch reports a validation of other minutes than the
	// ones received: the officer examined another version.
	ErrMinutesHashMismatch = apperr.New(apperr.KindFailedPrecondition, "MINUTES_HASH_MISMATCH",
		"the minutes hash given is not the hash of the received minutes").WithRule("R51")
	// ErrMinutesConflict reports minutes received for a session that
	// already has other minutes: signed minutes are immutable.
	ErrMinutesConflict = apperr.New(apperr.KindFailedPrecondition, "MINUTES_CONFLICT",
		"other signed minutes were already received for this session")
	// ErrValidationDenied reports a caller who may not validate results:
	// only the ministry's territorial representative does (R51).
	ErrValidationDenied = apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
		"only the ministry may validate session results").WithRule("R51")
	// ErrReadDenied reports a caller who may not read results.
	ErrReadDenied = apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
		"only the ministry, administrators and the session's centre may read session results")
)
