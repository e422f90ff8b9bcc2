package web

import certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

// French names of enums that several roles' screens show. A role's own
// wording (a longer sentence for candidates, a badge for centres) stays in
// its own labels file.

// resultSessionTypeLabel names the session type of a validated result.
func resultSessionTypeLabel(t certificationv1.SessionType) string {
	switch t {
	case certificationv1.SessionType_SESSION_TYPE_TITRE:
		return "Session titre"
	case certificationv1.SessionType_SESSION_TYPE_CCP:
		return "Session CCP"
	}
	return "Session"
}
