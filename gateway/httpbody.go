package gateway

import (
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// documentMarshaler writes a document response as the document itself: a
// response whose REST body is a google.api.HttpBody (the field that
// response_body names, like the PDF of the minutes) gets that body's
// content type and bytes; every other message is JSON. grpc-gateway's
// HTTPBodyMarshaler writes the bytes of the field already but asks the
// content type of the whole response, which is not the HttpBody: this
// finds it in the response's fields.
type documentMarshaler struct {
	runtime.HTTPBodyMarshaler
}

// ContentType implements runtime.Marshaler.
func (m *documentMarshaler) ContentType(v any) string {
	if b := bodyOf(v); b != nil {
		return b.GetContentType()
	}
	return m.HTTPBodyMarshaler.ContentType(v)
}

// bodyOf returns v when it is an HttpBody, or the HttpBody set in one of
// the fields of v; nil when there is none.
func bodyOf(v any) *httpbody.HttpBody {
	if b, ok := v.(*httpbody.HttpBody); ok {
		return b
	}
	msg, ok := v.(proto.Message)
	if !ok {
		return nil
	}
	var found *httpbody.HttpBody
	msg.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, val protoreflect.Value) bool {
		if fd.Kind() == protoreflect.MessageKind && !fd.IsList() && !fd.IsMap() {
			if b, ok := val.Message().Interface().(*httpbody.HttpBody); ok {
				found = b
				return false
			}
		}
		return true
	})
	return found
}
