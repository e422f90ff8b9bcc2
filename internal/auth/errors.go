package auth

import "github.com/titrepro/titrepro/internal/apperr"

// Errors returned by Verify. Their messages never contain the token; the
// precise cause (wrong audience, unknown kid...) is attached with WithCause so
// that it reaches the logs and not the client.
var (
	ErrTokenMissing = apperr.New(apperr.KindUnauthenticated, "TOKEN_MISSING", "an access token is required")
	ErrTokenInvalid = apperr.New(apperr.KindUnauthenticated, "TOKEN_INVALID", "the access token is invalid")
	ErrTokenExpired = apperr.New(apperr.KindUnauthenticated, "TOKEN_EXPIRED", "the access token has expired")

	// ErrKeysUnavailable means no signing key set could ever be loaded (identity
	// provider down or misconfigured): the token may well be valid, so the
	// caller should retry rather than ask the user to sign in again.
	ErrKeysUnavailable = apperr.New(apperr.KindUnavailable, "AUTH_KEYS_UNAVAILABLE", "token signing keys are unavailable")
)
