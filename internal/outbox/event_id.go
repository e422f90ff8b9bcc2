package outbox

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/titrepro/titrepro/internal/eventbus"
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
// and Nats-Msg-Id. Otherwise it is NewEvent: the subject and type follow
// from the message's name, so that no producer spells them (eventbus), the
// payload is its wire encoding, the time in UTC to the microsecond.
func NewEventWithID(id string, msg proto.Message, source, resource string, at time.Time) (Event, error) {
	payload, err := proto.Marshal(msg)
	if err != nil {
		return Event{}, fmt.Errorf("outbox: marshal %s: %w", eventbus.TypeOf(msg), err)
	}
	return Event{
		ID:       id,
		Subject:  eventbus.SubjectOf(msg),
		Type:     eventbus.TypeOf(msg),
		Source:   source,
		Resource: resource,
		Time:     at.UTC().Truncate(time.Microsecond),
		Payload:  payload,
	}, nil
}
