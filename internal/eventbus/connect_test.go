package eventbus_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/natstest"
)

// syncBuffer is a log sink the NATS client's goroutines write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestConnectOptionsLogPermissionViolations: a refused publish is only
// reported asynchronously; it must reach the log with its subject.
func TestConnectOptionsLogPermissionViolations(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	log := slog.New(slog.NewTextHandler(&out, nil))
	nc, _ := natstest.ConnectAs(t, natstest.RunJetStream(t), "candidate", eventbus.ConnectOptions("candidate", log)...)
	if err := nc.Publish("titrepro.certification.v1.title_awarded", nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), `Permissions Violation for Publish to \"titrepro.certification.v1.title_awarded\"`) {
		if time.Now().After(deadline) {
			t.Fatalf("log lacks the violation:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "client=candidate") {
		t.Errorf("log lacks the client name:\n%s", out.String())
	}
}
