package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	_ "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	_ "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	_ "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/eventbus"
)

// channel matches a channel of docs/asyncapi.yaml (AsyncAPI 3.0) and the
// message it carries: "    address: titrepro.x.v1.some_event" then
// "    messages:" and "      SomeEvent:".
var channel = regexp.MustCompile(`(?m)^    address: (titrepro\.([a-z]+)\.v1\.[a-z_]+)\n    messages:\n      ([A-Za-z]+):`)

// TestAsyncAPIMatchesTheEvents fails when a channel documented for
// consumers is not the subject titrepro publishes its event on: subjects
// are derived from the proto message (eventbus.SubjectOf), and this keeps
// the AsyncAPI document in step.
func TestAsyncAPIMatchesTheEvents(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "asyncapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	found := channel.FindAllStringSubmatch(string(raw), -1)
	if len(found) == 0 {
		t.Fatal("no channel found in docs/asyncapi.yaml")
	}
	if want := regexp.MustCompile(`(?m)^    address: `).FindAllStringIndex(string(raw), -1); len(found) != len(want) {
		t.Fatalf("read %d of the %d channels of docs/asyncapi.yaml", len(found), len(want))
	}
	for _, m := range found {
		subject, context, name := m[1], m[2], m[3]
		full := protoreflect.FullName("titrepro." + context + ".v1." + name)
		mt, err := protoregistry.GlobalTypes.FindMessageByName(full)
		if err != nil {
			t.Errorf("asyncapi channel %s names %s, which is no message of titrepro: %v", subject, full, err)
			continue
		}
		if got := eventbus.SubjectOf(mt.New().Interface()); got != subject {
			t.Errorf("asyncapi channel %s: %s is published on %s", subject, full, got)
		}
	}
}
