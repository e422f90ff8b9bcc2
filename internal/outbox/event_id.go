package outbox

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
)

// NewID returns a fresh event id: a UUIDv7, time ordered like the ids
// NewEvent draws. Draw it first when the message carries its own event id,
// then build the event with NewEventWithID.
func NewID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("outbox: new event id: %w", err)
	}
	return id.String(), nil
}

// NewEventWithID builds the event of msg with the given id, for messages
// that carry their event id (event_id), which must equal the event's ce-id
// and Nats-Msg-Id. Otherwise it is NewEvent: the message's full name as
// type, its wire encoding as payload, the time in UTC to the microsecond.
func NewEventWithID(id, subject string, msg proto.Message, source, resource string, at time.Time) (Event, error) {
	name := msg.ProtoReflect().Descriptor().FullName()
	payload, err := proto.Marshal(msg)
	if err != nil {
		return Event{}, fmt.Errorf("outbox: marshal %s: %w", name, err)
	}
	return Event{
		ID:       id,
		Subject:  subject,
		Type:     string(name),
		Source:   source,
		Resource: resource,
		Time:     at.UTC().Truncate(time.Microsecond),
		Payload:  payload,
	}, nil
}
