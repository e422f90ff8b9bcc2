package protoconv

import (
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

// EventMessage is a domain event as it travels: its protobuf message (whose
// name gives its subject and type, eventbus.SubjectOf) and the candidate it
// is about.
type EventMessage struct {
	Message   proto.Message
	Candidate *candidate.Candidate
}

// EventToProto converts a domain event into its message, with eventID as
// event_id (it is also the CloudEvents ce-id and the Nats-Msg-Id).
func EventToProto(ev candidate.Event, eventID string) (EventMessage, error) {
	switch e := ev.(type) {
	case candidate.Registered:
		c := e.Candidate
		return EventMessage{Candidate: c, Message: &candidatev1.CandidateRegistered{
			EventId:   eventID,
			OccurTime: timestamppb.New(c.UpdatedAt()),
			Candidate: candidateWithoutEtag(c),
			Version:   c.Version(),
		}}, nil
	case candidate.Updated:
		c := e.Candidate
		return EventMessage{Candidate: c, Message: &candidatev1.CandidateUpdated{
			EventId:       eventID,
			OccurTime:     timestamppb.New(c.UpdatedAt()),
			Candidate:     candidateWithoutEtag(c),
			ChangedFields: append([]string(nil), e.ChangedFields...),
			Version:       c.Version(),
		}}, nil
	default:
		return EventMessage{}, fmt.Errorf("protoconv: unknown candidate event %T", ev)
	}
}
