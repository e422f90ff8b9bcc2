package docs

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// TestAsyncAPIIsValid runs the official AsyncAPI parser (@asyncapi/parser,
// pinned in tools/asyncapi/package-lock.json; make test installs it) on
// docs/asyncapi.yaml and fails on any error it reports, printing every
// diagnostic.
func TestAsyncAPIIsValid(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed (Node.js 20; .ci/run installs it): %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "tools", "asyncapi", "node_modules", "@asyncapi", "parser")); err != nil {
		t.Fatalf("the AsyncAPI parser is not installed: run make tools/asyncapi/node_modules (make test does): %v", err)
	}
	cmd := exec.Command(node, filepath.Join("tools", "asyncapi", "validate.mjs"), filepath.Join("docs", "asyncapi.yaml"))
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("docs/asyncapi.yaml is not valid AsyncAPI (%v):\n%s", err, out)
	}
	if !regexp.MustCompile(`valid AsyncAPI 3\.`).Match(out) {
		t.Fatalf("docs/asyncapi.yaml is not AsyncAPI 3:\n%s", out)
	}
	t.Logf("%s", out)
}

// message matches a message of docs/asyncapi.yaml's components with its
// name and the protobuf message its payload names.
var message = regexp.MustCompile(`(?m)^    ([A-Za-z]+):\n      name: (\S+)\n(?:      .*\n|        .*\n)*?        x-protobuf-message: (\S+)\n`)

// TestAsyncAPIPayloadsAreTheProtobufMessages fails when a message of
// docs/asyncapi.yaml names a protobuf type other than its own, or one
// titrepro does not define: a consumer reads ce-type and the payload's
// x-protobuf-message to pick the type in the descriptor set.
func TestAsyncAPIPayloadsAreTheProtobufMessages(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "asyncapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	found := message.FindAllStringSubmatch(string(raw), -1)
	if want := regexp.MustCompile(`(?m)^        x-protobuf-message: `).FindAllIndex(raw, -1); len(found) != len(want) || len(found) == 0 {
		t.Fatalf("read %d of the %d messages of docs/asyncapi.yaml", len(found), len(want))
	}
	for _, m := range found {
		key, name, payload := m[1], m[2], m[3]
		if name != payload {
			t.Errorf("message %s is named %s but its payload is %s", key, name, payload)
		}
		if protoreflect.FullName(name).Name() != protoreflect.Name(key) {
			t.Errorf("message %s is named %s", key, name)
		}
		if _, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(payload)); err != nil {
			t.Errorf("message %s: %s is no message of titrepro: %v", key, payload, err)
		}
	}
}
