package grpcx

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/titrepro/titrepro/internal/apperr"
)

// Length bounds of the strings of every request, in characters, by kind of
// field. They are a backstop applied to every field of every request
// message before a handler runs, so that no string is unbounded, whatever
// the method; the domain rules bound most fields tighter, with their own
// words (a candidate's name: 100 characters, an example's tasks: 8000).
const (
	// MaxIdentifierLength bounds ids, codes, subjects, etags, hashes,
	// numbers and versions.
	MaxIdentifierLength = 256
	// MaxTokenLength bounds opaque tokens (page tokens: a sort key and a
	// fingerprint, base64-encoded).
	MaxTokenLength = 1024
	// MaxTextLength bounds free text: names, addresses, descriptions.
	MaxTextLength = 10_000
	// MaxDocumentLength bounds a whole document sent as a string (a title
	// referential's YAML).
	MaxDocumentLength = 1 << 20
)

// identifierNames and identifierSuffixes name the fields of the
// identifier kind; documentNames those of the document kind.
var (
	identifierNames    = map[string]bool{"id": true, "etag": true, "number": true, "version": true, "subject": true, "code": true}
	identifierSuffixes = []string{"_id", "_hash", "_code", "_subject", "_number"}
	documentNames      = map[string]bool{"referentiel_yaml": true}
)

// MaxLength returns the most characters a string field may hold.
func MaxLength(fd protoreflect.FieldDescriptor) int {
	name := string(fd.Name())
	switch {
	case documentNames[name]:
		return MaxDocumentLength
	case identifierNames[name]:
		return MaxIdentifierLength
	case strings.HasSuffix(name, "_token"):
		return MaxTokenLength
	}
	for _, s := range identifierSuffixes {
		if strings.HasSuffix(name, s) {
			return MaxIdentifierLength
		}
	}
	return MaxTextLength
}

// StringViolations returns a field violation for every string of m, at any
// depth, longer than MaxLength of its field. Field paths are written as
// the services write them: "dossier.examples[0].tasks".
func StringViolations(m proto.Message) []apperr.FieldViolation {
	var v []apperr.FieldViolation
	walkStrings(m.ProtoReflect(), "", &v)
	return v
}

func walkStrings(m protoreflect.Message, prefix string, v *[]apperr.FieldViolation) {
	m.Range(func(fd protoreflect.FieldDescriptor, val protoreflect.Value) bool {
		path := prefix + string(fd.Name())
		switch {
		case fd.IsMap():
			val.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				elem := fmt.Sprintf("%s[%q]", path, k.String())
				checkString(fd.MapKey(), k.Value(), elem, v)
				checkValue(fd.MapValue(), mv, elem, v)
				return true
			})
		case fd.IsList():
			list := val.List()
			for i := 0; i < list.Len(); i++ {
				checkValue(fd, list.Get(i), fmt.Sprintf("%s[%d]", path, i), v)
			}
		default:
			checkValue(fd, val, path, v)
		}
		return true
	})
}

func checkValue(fd protoreflect.FieldDescriptor, val protoreflect.Value, path string, v *[]apperr.FieldViolation) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		checkString(fd, val, path, v)
	case protoreflect.MessageKind, protoreflect.GroupKind:
		walkStrings(val.Message(), path+".", v)
	}
}

func checkString(fd protoreflect.FieldDescriptor, val protoreflect.Value, path string, v *[]apperr.FieldViolation) {
	if fd.Kind() != protoreflect.StringKind {
		return
	}
	limit := MaxLength(fd)
	// Counting runes costs a pass; a string within limit bytes is within
	// limit characters already.
	if s := val.String(); len(s) > limit && utf8.RuneCountInString(s) > limit {
		*v = append(*v, apperr.FieldViolation{Field: path, Description: fmt.Sprintf("must be at most %d characters long", limit)})
	}
}

// checkBounds refuses a request message with an over-long string.
func checkBounds(req any) error {
	m, ok := req.(proto.Message)
	if !ok {
		return nil
	}
	if v := StringViolations(m); len(v) > 0 {
		return apperr.Invalid(v...)
	}
	return nil
}

// --- bounds: every string of every request message is bounded.

func (ic *interceptors) boundsUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if err := checkBounds(req); err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

func (ic *interceptors) boundsStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	return handler(srv, &boundedStream{ServerStream: ss})
}

// boundedStream checks every message a client streams.
type boundedStream struct{ grpc.ServerStream }

func (s *boundedStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	return checkBounds(m)
}
