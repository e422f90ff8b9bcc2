// Package protoconv converts between the assessment domain and its
// protobuf messages (titrepro.assessment.v1), and reads the messages of the
// contexts it listens to (certification, candidate, portfolio). It holds
// no rule: a value the domain does not know passes through so that the
// domain refuses it with a field violation.
package protoconv

import (
	"strings"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// The domain names enum values as the proto does, without the prefix:
// SESSION_TYPE_TITRE is "TITRE". UNSPECIFIED is the empty string; a number
// the proto does not define keeps its number, which no domain value equals.

// fromEnum returns the domain value of an enum value's name.
func fromEnum(name, prefix string) string {
	if name == prefix+"UNSPECIFIED" {
		return ""
	}
	return strings.TrimPrefix(name, prefix)
}

// toEnum returns the number of a domain value, 0 (UNSPECIFIED) when the
// proto has none.
func toEnum(values map[string]int32, prefix, v string) int32 {
	if v == "" {
		return 0
	}
	return values[prefix+v]
}

// SessionTypeFromProto returns the domain session type.
func SessionTypeFromProto(t assessmentv1.SessionType) title.SessionType {
	return title.SessionType(fromEnum(t.String(), "SESSION_TYPE_"))
}

// SessionTypeToProto returns the proto session type.
func SessionTypeToProto(t title.SessionType) assessmentv1.SessionType {
	return assessmentv1.SessionType(toEnum(assessmentv1.SessionType_value, "SESSION_TYPE_", string(t)))
}

// StateToProto returns the proto session state.
func StateToProto(s session.State) assessmentv1.SessionState {
	return assessmentv1.SessionState(toEnum(assessmentv1.SessionState_value, "SESSION_STATE_", string(s)))
}

// JurorStateToProto returns the proto juror progress state.
func JurorStateToProto(s session.JurorState) assessmentv1.JurorProgressState {
	return assessmentv1.JurorProgressState(toEnum(assessmentv1.JurorProgressState_value, "JUROR_PROGRESS_STATE_", string(s)))
}

// LinkKindFromProto returns the domain link kind.
func LinkKindFromProto(k assessmentv1.LinkKind) jury.LinkKind {
	return jury.LinkKind(fromEnum(k.String(), "LINK_KIND_"))
}

// LinkKindToProto returns the proto link kind.
func LinkKindToProto(k jury.LinkKind) assessmentv1.LinkKind {
	return assessmentv1.LinkKind(toEnum(assessmentv1.LinkKind_value, "LINK_KIND_", string(k)))
}

// VerdictFromProto returns the domain verdict.
func VerdictFromProto(v assessmentv1.Verdict) evaluation.Verdict {
	return evaluation.Verdict(fromEnum(v.String(), "VERDICT_"))
}

// VerdictToProto returns the proto verdict.
func VerdictToProto(v evaluation.Verdict) assessmentv1.Verdict {
	return assessmentv1.Verdict(toEnum(assessmentv1.Verdict_value, "VERDICT_", string(v)))
}

// EpreuveFromProto returns the domain épreuve kind.
func EpreuveFromProto(k certificationv1.EpreuveKind) title.EpreuveKind {
	return title.EpreuveKind(fromEnum(k.String(), "EPREUVE_KIND_"))
}

// EpreuveToProto returns the proto épreuve kind.
func EpreuveToProto(k title.EpreuveKind) certificationv1.EpreuveKind {
	return certificationv1.EpreuveKind(toEnum(certificationv1.EpreuveKind_value, "EPREUVE_KIND_", string(k)))
}

// CCPOutcomeFromProto returns the domain CCP outcome.
func CCPOutcomeFromProto(o assessmentv1.CcpOutcome) deliberation.CCPOutcome {
	return deliberation.CCPOutcome(fromEnum(o.String(), "CCP_OUTCOME_"))
}

// CCPOutcomeToProto returns the proto CCP outcome.
func CCPOutcomeToProto(o deliberation.CCPOutcome) assessmentv1.CcpOutcome {
	return assessmentv1.CcpOutcome(toEnum(assessmentv1.CcpOutcome_value, "CCP_OUTCOME_", string(o)))
}

// TitleOutcomeToProto returns the proto title outcome.
func TitleOutcomeToProto(o deliberation.TitleOutcome) assessmentv1.TitleOutcome {
	return assessmentv1.TitleOutcome(toEnum(assessmentv1.TitleOutcome_value, "TITLE_OUTCOME_", string(o)))
}

// accessRouteFromProto returns the domain access route.
func accessRouteFromProto(r commonv1.AccessRoute) candidate.AccessRoute {
	return candidate.AccessRoute(fromEnum(r.String(), "ACCESS_ROUTE_"))
}

// sessionTypeOfTitle returns the domain session type of a catalogue
// épreuve's session type ("CCS" included, which the service does not run).
func sessionTypeOfTitle(t certificationv1.SessionType) title.SessionType {
	return title.SessionType(fromEnum(t.String(), "SESSION_TYPE_"))
}
