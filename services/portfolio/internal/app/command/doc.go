// Package command holds the use cases that change dossiers and the
// projections, one per file. Each checks the caller's rights (package
// authz) before it touches the domain.
package command

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/titrepro/titrepro/internal/apperr"
)

// Errors of the use cases about facts owned by other contexts: the
// projection has not (yet) received them. Retrying later may succeed.
var (
	// ErrCandidateUnknown: no candidate record is bound to the
	// caller's subject (yet).
	ErrCandidateUnknown = apperr.New(apperr.KindFailedPrecondition, "CANDIDATE_UNKNOWN",
		"no candidate record is bound to your account: register with the candidate service first, or retry in a moment")
	// ErrTitleUnknown: no such published title version.
	ErrTitleUnknown = apperr.New(apperr.KindFailedPrecondition, "TITLE_UNKNOWN",
		"no such published title version")
	// ErrSessionUnknown: no such session (yet).
	ErrSessionUnknown = apperr.New(apperr.KindFailedPrecondition, "SESSION_UNKNOWN",
		"no such session: check the id, or retry in a moment if it was just planned")
)

// requestHash fingerprints what a request asks for, so that a retry with
// the same request id and content matches and a reuse for something else
// does not.
func requestHash(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("request hash: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
