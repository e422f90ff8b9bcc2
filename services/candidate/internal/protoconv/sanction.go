package protoconv

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/sanction"
)

// SanctionToProto returns the Sanction message of s (R58).
func SanctionToProto(s sanction.Sanction) *candidatev1.Sanction {
	kind := candidatev1.SanctionKind_SANCTION_KIND_EXCLUSION
	if s.Kind == sanction.KindBan {
		kind = candidatev1.SanctionKind_SANCTION_KIND_BAN
	}
	return &candidatev1.Sanction{
		SanctionId: s.ID, CandidateId: s.CandidateID, Kind: kind, DurationMonths: int32(s.DurationMonths),
		NotifiedOn: s.NotifiedOn.String(), EndsOn: s.EndsOn.String(), Reference: s.Reference, Motivation: s.Motivation,
		PronouncedBy: s.By, CreateTime: timestamppb.New(s.At), SessionId: s.SessionID,
	}
}

// SanctionPronouncedToProto returns the event of s with eventID.
func SanctionPronouncedToProto(s sanction.Sanction, eventID string) *candidatev1.SanctionPronounced {
	return &candidatev1.SanctionPronounced{EventId: eventID, OccurTime: timestamppb.New(s.At), Sanction: SanctionToProto(s)}
}

// SanctionInputFromProto reads what the officer decided; an unknown kind
// is passed on for sanction.Pronounce to refuse.
func SanctionInputFromProto(m *candidatev1.Sanction) sanction.Input {
	in := sanction.Input{DurationMonths: int(m.GetDurationMonths()), NotifiedOn: m.GetNotifiedOn(),
		Reference: m.GetReference(), Motivation: m.GetMotivation(), SessionID: m.GetSessionId()}
	switch m.GetKind() {
	case candidatev1.SanctionKind_SANCTION_KIND_EXCLUSION:
		in.Kind = sanction.KindExclusion
	case candidatev1.SanctionKind_SANCTION_KIND_BAN:
		in.Kind = sanction.KindBan
	default:
		in.Kind = sanction.Kind(m.GetKind().String())
	}
	return in
}
