package main

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	_ "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	_ "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	_ "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	_ "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/grpcx"
)

// TestEveryRequestStringIsBounded goes through every request message of
// every titrepro service, sets every string it can hold (nested, repeated,
// in a oneof) one character over its bound, and checks that the bounds
// every service applies (grpcx.StringViolations) name each of them: no
// string of any request is unbounded.
func TestEveryRequestStringIsBounded(t *testing.T) {
	methods := 0
	protoregistry.GlobalFiles.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if !strings.HasPrefix(string(fd.Package()), "titrepro.") {
			return true
		}
		services := fd.Services()
		for i := 0; i < services.Len(); i++ {
			ms := services.Get(i).Methods()
			for j := 0; j < ms.Len(); j++ {
				methods++
				in := ms.Get(j).Input()
				msg := dynamicpb.NewMessage(in)
				want := fillStrings(msg, "", map[protoreflect.FullName]bool{})
				got := map[string]bool{}
				for _, v := range grpcx.StringViolations(msg) {
					got[v.Field] = true
				}
				for _, field := range want {
					if !got[field] {
						t.Errorf("%s: string %s is not bounded", in.FullName(), field)
					}
				}
				if len(got) != len(want) {
					t.Errorf("%s: %d violations for %d over-long strings", in.FullName(), len(got), len(want))
				}
			}
		}
		return true
	})
	if methods < 30 {
		t.Fatalf("only %d methods found: are the services' descriptors registered?", methods)
	}
}

// fillStrings sets every string field of m, recursively (one element of
// each list, the first member of each oneof, each message type once per
// path), one character over its bound, and returns their paths.
func fillStrings(m protoreflect.Message, prefix string, seen map[protoreflect.FullName]bool) []string {
	var paths []string
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() && o.Fields().Get(0) != fd {
			continue
		}
		path := prefix + string(fd.Name())
		over := strings.Repeat("x", grpcx.MaxLength(fd)+1)
		switch {
		case fd.IsMap():
			continue // no request message has a map
		case fd.Kind() == protoreflect.StringKind && fd.IsList():
			m.Mutable(fd).List().Append(protoreflect.ValueOfString(over))
			paths = append(paths, path+"[0]")
		case fd.Kind() == protoreflect.StringKind:
			m.Set(fd, protoreflect.ValueOfString(over))
			paths = append(paths, path)
		case fd.Kind() == protoreflect.MessageKind && !seen[fd.Message().FullName()]:
			seen[fd.Message().FullName()] = true
			if fd.IsList() {
				elem := m.Mutable(fd).List().AppendMutable().Message()
				paths = append(paths, fillStrings(elem, path+"[0].", seen)...)
			} else {
				paths = append(paths, fillStrings(m.Mutable(fd).Message(), path+".", seen)...)
			}
			delete(seen, fd.Message().FullName())
		}
	}
	return paths
}
