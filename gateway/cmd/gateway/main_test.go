package main

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoregistry"
)

// The standalone gateway links no service code, so it must register the
// error detail types itself; otherwise every error with details becomes a
// 500 "failed to marshal error message".
func TestErrorDetailTypesAreLinked(t *testing.T) {
	for _, name := range []string{"google.rpc.ErrorInfo", "google.rpc.BadRequest", "google.rpc.PreconditionFailure"} {
		if _, err := protoregistry.GlobalTypes.FindMessageByURL("type.googleapis.com/" + name); err != nil {
			t.Errorf("%s is not registered: %v", name, err)
		}
	}
}
