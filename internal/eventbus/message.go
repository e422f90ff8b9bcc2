package eventbus

import (
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Message is an event as a handler sees it, decoded from the CloudEvents
// headers.
type Message struct {
	ID          string // ce-id, the outbox event id
	Type        string // ce-type, the full proto message name
	Source      string // ce-source, the producing service
	Resource    string // ce-subject, the resource name
	Subject     string // NATS subject
	Time        time.Time
	Data        []byte // proto-encoded event
	TraceParent string // W3C traceparent, when the producer had one
	TraceState  string // W3C tracestate that goes with it
}

// parseMessage decodes m. An error means the message can never be handled
// (no id to de-duplicate on, or a malformed time), whatever the retries.
func parseMessage(m jetstream.Msg) (Message, error) {
	h := m.Headers()
	msg := Message{
		ID:          h.Get(HeaderID),
		Type:        h.Get(HeaderType),
		Source:      h.Get(HeaderSource),
		Resource:    h.Get(HeaderSubject),
		Subject:     m.Subject(),
		Data:        m.Data(),
		TraceParent: h.Get(HeaderTraceParent),
		TraceState:  h.Get(HeaderTraceState),
	}
	if msg.ID == "" || msg.Type == "" {
		return Message{}, fmt.Errorf("eventbus: message on %s lacks %s or %s", m.Subject(), HeaderID, HeaderType)
	}
	if v := h.Get(HeaderSpecVersion); v != SpecVersion {
		return Message{}, fmt.Errorf("eventbus: event %s: %s %q, want %q", msg.ID, HeaderSpecVersion, v, SpecVersion)
	}
	if ts := h.Get(HeaderTime); ts != "" {
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			return Message{}, fmt.Errorf("eventbus: event %s: %s: %w", msg.ID, HeaderTime, err)
		}
		msg.Time = t.UTC()
	}
	return msg, nil
}
