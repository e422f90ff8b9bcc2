package grpcx

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func TestStringViolationsBoundEveryStringAtAnyDepth(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", MaxTextLength+1)
	if v := StringViolations(wrapperspb.String(strings.Repeat("é", MaxTextLength))); len(v) != 0 {
		t.Fatalf("a text of exactly the limit (in characters, not bytes) is refused: %v", v)
	}
	v := StringViolations(wrapperspb.String(long))
	if len(v) != 1 || v[0].Field != "value" {
		t.Fatalf("violations %v; want one on value", v)
	}
	nested, err := structpb.NewStruct(map[string]any{"a": []any{"ok", long}})
	if err != nil {
		t.Fatal(err)
	}
	v = StringViolations(nested)
	if len(v) != 1 || v[0].Field != `fields["a"].list_value.values[1].string_value` {
		t.Fatalf("violations %v; want one on the nested string", v)
	}
	if err := checkBounds(wrapperspb.String(long)); err == nil {
		t.Fatal("checkBounds accepted an over-long string")
	}
}
