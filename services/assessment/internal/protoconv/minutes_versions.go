package protoconv

import (
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/services/assessment/internal/app/query"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
)

// MinutesViewToProto returns the Minutes resource of one version.
func MinutesViewToProto(v query.MinutesView) *assessmentv1.Minutes {
	out := MinutesToProto(v.SessionState, v.Minutes)
	if out.SessionId == "" {
		// A draft not deliberated yet has no content.
		out.SessionId = v.Minutes.Content.SessionID
	}
	out.MinutesVersion = int32(v.Number)
	out.PreviousContentHash = v.Minutes.Content.PreviousHash
	out.ReopenedBy = ReturnToProto(v.ReopenedBy)
	out.Returned = ReturnToProto(v.Return)
	out.VersionState = VersionStateToProto(v.State)
	return out
}

// MinutesVersionToProto returns the summary of one version.
func MinutesVersionToProto(v query.MinutesView) *assessmentv1.MinutesVersion {
	out := &assessmentv1.MinutesVersion{
		MinutesVersion: int32(v.Number), State: VersionStateToProto(v.State), ContentHash: v.Minutes.Hash,
		ContentEncoding: string(v.Minutes.Encoding), Returned: ReturnToProto(v.Return),
	}
	if !v.SignedAt.IsZero() {
		out.SignTime = ts(v.SignedAt)
	}
	return out
}

// ReturnToProto returns the MinutesReturn message of r, nil for none.
func ReturnToProto(r *minutes.Return) *assessmentv1.MinutesReturn {
	if r == nil {
		return nil
	}
	return &assessmentv1.MinutesReturn{
		MinutesVersion: int32(r.Version), ContentHash: r.ContentHash, Reason: r.Reason, CandidacyIds: r.CandidacyIDs,
		ReturnedBy: r.By, ReturnTime: ts(r.At), AfterValidation: r.AfterValidation,
	}
}

// VersionStateToProto maps a version state.
func VersionStateToProto(s minutes.VersionState) assessmentv1.MinutesVersionState {
	switch s {
	case minutes.VersionDraft:
		return assessmentv1.MinutesVersionState_MINUTES_VERSION_STATE_DRAFT
	case minutes.VersionSigned:
		return assessmentv1.MinutesVersionState_MINUTES_VERSION_STATE_SIGNED
	case minutes.VersionReturned:
		return assessmentv1.MinutesVersionState_MINUTES_VERSION_STATE_RETURNED
	}
	return assessmentv1.MinutesVersionState_MINUTES_VERSION_STATE_UNSPECIFIED
}

// ReturnFromProto returns the session and the return a MinutesReturned
// event carries.
func ReturnFromProto(ev *certificationv1.MinutesReturned) (string, minutes.Return) {
	return ev.GetSessionId(), minutes.Return{
		Version: int(ev.GetMinutesVersion()), ContentHash: ev.GetMinutesHash(), Reason: ev.GetReason(),
		CandidacyIDs: ev.GetCandidacyIds(), By: ev.GetReturnedBy(), At: ev.GetOccurTime().AsTime().UTC(),
		AfterValidation: ev.GetAfterValidation(),
	}
}
