package cluster

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// errExited: a process exited while the launcher waited for it.
var errExited = errors.New("exited while starting")

// poll calls cond every 200 ms until it holds, fails, or deadline passes.
func poll(ctx context.Context, deadline time.Time, what string, cond func() (bool, error)) error {
	for {
		ok, err := cond()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cluster: timed out waiting for %s", what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// waitHTTP waits until url answers with a status accept takes; it fails
// early when the process called name has exited.
func (c *Cluster) waitHTTP(ctx context.Context, name, url string, timeout time.Duration, accept func(status int) bool) error {
	client := &http.Client{Timeout: 2 * time.Second}
	return poll(ctx, time.Now().Add(timeout), name+" at "+url, func() (bool, error) {
		if p := c.Process(name); p != nil && !p.Running() {
			return false, fmt.Errorf("cluster: %s %w; see %s", name, errExited, c.LogFile(name))
		}
		resp, err := client.Get(url)
		if err != nil {
			return false, nil
		}
		resp.Body.Close()
		return accept(resp.StatusCode), nil
	})
}

// statusOK accepts 200 only; anyStatus any answer (an S3 store refuses an
// unsigned request with 403, which says it is up).
func statusOK(status int) bool { return status == http.StatusOK }
func anyStatus(int) bool       { return true }

// WaitService waits until a service's replica is ready: its /readyz
// (METRICS_ADDR) answers 200 once gRPC health reports SERVING, after its
// migrations, streams and consumers. Over HTTP, so that it needs none of
// the gRPC client certificates.
func (c *Cluster) WaitService(ctx context.Context, svc string, replica int, timeout time.Duration) error {
	url := fmt.Sprintf("http://127.0.0.1:%d/readyz", c.ports.Metrics(svc, replica))
	return c.waitHTTP(ctx, c.ProcessName(svc, replica), url, timeout, statusOK)
}

// WaitGateway waits until the gateway's /readyz answers 200.
func (c *Cluster) WaitGateway(ctx context.Context, timeout time.Duration) error {
	return c.waitHTTP(ctx, "gateway", c.GatewayURL()+"/readyz", timeout, statusOK)
}
