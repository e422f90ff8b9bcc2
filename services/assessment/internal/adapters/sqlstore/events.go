package sqlstore

import (
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// EventSource is the CloudEvents ce-source of every assessment event.
const EventSource = "titrepro/assessment"

// outboxEvents converts domain events into outbox rows. The event id is
// chosen here rather than by outbox.NewEvent because the message carries it
// too (event_id), and both must be equal.
func outboxEvents(events []session.Event) ([]outbox.Event, error) {
	out := make([]outbox.Event, 0, len(events))
	for _, ev := range events {
		id, err := uuid.NewV7()
		if err != nil {
			return nil, fmt.Errorf("sqlstore: new event id: %w", err)
		}
		m, err := protoconv.EventToProto(ev, id.String())
		if err != nil {
			return nil, err
		}
		payload, err := proto.Marshal(m.Message)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: marshal %s: %w", m.Subject, err)
		}
		out = append(out, outbox.Event{
			ID:       id.String(),
			Subject:  m.Subject,
			Type:     string(m.Message.ProtoReflect().Descriptor().FullName()),
			Source:   EventSource,
			Resource: m.Resource,
			Time:     m.Time,
			Payload:  payload,
		})
	}
	return out, nil
}
