package eventbus

import "github.com/nats-io/nats.go"

// CloudEvents NATS protocol binding (binary mode): the event attributes travel
// as message headers and the data as the message body. NATS headers are
// case-sensitive, so these exact spellings are the contract with every
// consumer, including ministry systems (docs/architecture.md §3).
const (
	HeaderSpecVersion = "ce-specversion"
	HeaderID          = "ce-id"
	HeaderSource      = "ce-source"
	HeaderType        = "ce-type"    // full proto message name
	HeaderSubject     = "ce-subject" // resource name, e.g. "candidates/01J..."
	HeaderTime        = "ce-time"    // RFC 3339, UTC
	HeaderContentType = "content-type"
	HeaderTraceParent = "traceparent" // W3C trace context (ADR 0017)
	HeaderTraceState  = "tracestate"  // W3C trace context, vendor part

	// SpecVersion is the CloudEvents version the headers follow.
	SpecVersion = "1.0"
	// ContentTypeProtobuf is the content type of every titrepro event body.
	ContentTypeProtobuf = "application/protobuf"
)

// HeaderCarrier lets an OpenTelemetry propagator read and write the trace
// headers of a NATS message under their exact lowercase names:
// nats.Header is case-sensitive, and propagation.HeaderCarrier would
// write "Traceparent".
type HeaderCarrier nats.Header

// Get returns the first value of key.
func (c HeaderCarrier) Get(key string) string { return nats.Header(c).Get(key) }

// Set sets key to value.
func (c HeaderCarrier) Set(key, value string) { nats.Header(c).Set(key, value) }

// Keys lists the header names.
func (c HeaderCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}
