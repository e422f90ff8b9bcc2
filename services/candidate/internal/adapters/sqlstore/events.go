package sqlstore

import (
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/candidate/internal/protoconv"
)

// EventSource is the CloudEvents ce-source of every candidate event.
const EventSource = "titrepro/candidate"

// outboxEvents converts domain events into outbox rows. The event id is
// drawn first because the message carries it too (event_id), and both must
// be equal.
func outboxEvents(events []candidate.Event) ([]outbox.Event, error) {
	out := make([]outbox.Event, 0, len(events))
	for _, ev := range events {
		id, err := outbox.NewID()
		if err != nil {
			return nil, err
		}
		m, err := protoconv.EventToProto(ev, id)
		if err != nil {
			return nil, err
		}
		e, err := outbox.NewEventWithID(id, m.Message, EventSource, "candidates/"+m.Candidate.ID(), m.Candidate.UpdatedAt())
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
