package holder

import "github.com/titrepro/titrepro/internal/apperr"

// ErrNotFound reports a candidate whose identity was never projected: the
// candidate service has not registered them, or its event has not arrived.
var ErrNotFound = apperr.New(apperr.KindNotFound, "HOLDER_NOT_FOUND", "no identity is known for this candidate")
