package eventbus

import (
	"strings"
	"unicode"

	"google.golang.org/protobuf/proto"

	"github.com/titrepro/titrepro/internal/apperr"
)

// Events are protobuf messages named <Event> in the package
// titrepro.<context>.v1; their subject and CloudEvents type follow from that
// name, so the proto definition is the one place an event is spelled:
//
//	titrepro.candidate.v1.CandidateUpdated
//	  ce-type: titrepro.candidate.v1.CandidateUpdated
//	  subject: titrepro.candidate.v1.candidate_updated
//	  stream:  TITREPRO_CANDIDATE (ContextStream("candidate"))

// ErrUnexpectedEvent reports an event a consumer cannot read: another type
// than those it follows, or a payload that does not decode. Retrying cannot
// help, so the subscription terminates the message instead of blocking.
var ErrUnexpectedEvent = apperr.New(apperr.KindInvalidArgument, "UNEXPECTED_EVENT",
	"the event cannot be read by this consumer")

// TypeOf returns the CloudEvents type of event m: its full proto name.
func TypeOf(m proto.Message) string {
	return string(m.ProtoReflect().Descriptor().FullName())
}

// SubjectOf returns the NATS subject of event m: its proto package followed
// by its message name in snake case.
func SubjectOf(m proto.Message) string {
	d := m.ProtoReflect().Descriptor()
	return string(d.ParentFile().Package()) + "." + snakeCase(string(d.Name()))
}

// ContextOf returns the bounded context that publishes event m (the second
// element of its package), which names its stream.
func ContextOf(m proto.Message) string {
	parts := strings.Split(string(m.ProtoReflect().Descriptor().ParentFile().Package()), ".")
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

// Decode unmarshals msg into m when msg is an event of m's type; otherwise
// it returns ErrUnexpectedEvent.
func Decode(msg Message, m proto.Message) error {
	if msg.Type != TypeOf(m) {
		return ErrUnexpectedEvent.WithMeta("type", msg.Type)
	}
	if err := proto.Unmarshal(msg.Data, m); err != nil {
		return ErrUnexpectedEvent.WithMeta("type", msg.Type).WithCause(err)
	}
	return nil
}

// Is reports whether msg is an event of m's type.
func Is(msg Message, m proto.Message) bool { return msg.Type == TypeOf(m) }

// snakeCase turns an upper camel case name into snake case
// (TitleVersionPublished → title_version_published).
func snakeCase(name string) string {
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
