package svctest

import (
	"testing"
	"time"
)

// pollInterval is how often Eventually retries.
const pollInterval = 20 * time.Millisecond

// Eventually calls cond until it returns nil, or fails the test with what
// and cond's last error once WaitFor has passed. It is for what the service
// does asynchronously: relays, consumers, projections.
func Eventually(t testing.TB, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(WaitFor)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still failing after %s: %v", what, WaitFor, err)
		}
		time.Sleep(pollInterval)
	}
}
