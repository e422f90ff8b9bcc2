package eventbus

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
	HeaderTraceParent = "traceparent" // W3C trace context

	// SpecVersion is the CloudEvents version the headers follow.
	SpecVersion = "1.0"
	// ContentTypeProtobuf is the content type of every titrepro event body.
	ContentTypeProtobuf = "application/protobuf"
)
