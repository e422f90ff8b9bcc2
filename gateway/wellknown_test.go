package gateway_test

import (
	"io"
	"net/http"
	"os"
	"regexp"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/titrepro/titrepro/gateway"
)

// eventRow matches a row of the events table of docs/events.md:
// "| `titrepro.<context>.v1.<subject>` | `<Message>` | …".
var eventRow = regexp.MustCompile("(?m)^\\| `titrepro\\.([a-z]+)\\.v1\\.[a-z_]+` \\| `([A-Za-z]+)` \\|")

// TestEventDescriptorsAreServed fetches the descriptor set a consumer in
// another language decodes events with and finds in it, after resolving
// every file, each event message docs/events.md documents.
func TestEventDescriptorsAreServed(t *testing.T) {
	t.Parallel()
	ts := newGateway(t, startBackend(t))
	resp, err := http.Get(ts.URL + gateway.EventDescriptorsPath)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", gateway.EventDescriptorsPath, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-protobuf" {
		t.Errorf("Content-Type = %q, want application/x-protobuf", ct)
	}
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(body, &set); err != nil {
		t.Fatalf("the answer is no FileDescriptorSet: %v", err)
	}
	// NewFiles resolves every import inside the set: the set stands alone.
	files, err := protodesc.NewFiles(&set)
	if err != nil {
		t.Fatalf("the descriptor set does not stand alone: %v", err)
	}

	doc, err := os.ReadFile("../docs/events.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := eventRow.FindAllStringSubmatch(string(doc), -1)
	if len(rows) < 20 {
		t.Fatalf("read only %d events in docs/events.md", len(rows))
	}
	for _, row := range rows {
		name := protoreflect.FullName("titrepro." + row[1] + ".v1." + row[2])
		d, err := files.FindDescriptorByName(name)
		if err != nil {
			t.Errorf("event %s of docs/events.md is not in the descriptor set: %v", name, err)
			continue
		}
		if _, ok := d.(protoreflect.MessageDescriptor); !ok {
			t.Errorf("%s is no message in the descriptor set", name)
		}
	}
}
