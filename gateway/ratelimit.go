package gateway

import (
	"container/list"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// clientLimiters holds one token bucket per client address, at most max
// of them: when full, the address seen least recently is forgotten (it
// starts again with a full bucket, which is the worst a flood of new
// addresses can obtain). Safe for concurrent use.
type clientLimiters struct {
	perMinute int
	max       int
	now       func() time.Time

	mu    sync.Mutex
	byKey map[string]*list.Element
	lru   list.List // of *clientLimiter, most recent first
}

type clientLimiter struct {
	key string
	lim *rate.Limiter
}

// newClientLimiters returns limiters allowing perMinute events per minute
// per address, in bursts of as many; nil when perMinute < 0 (no limit).
func newClientLimiters(perMinute, max int, now func() time.Time) *clientLimiters {
	if perMinute < 0 {
		return nil
	}
	return &clientLimiters{perMinute: perMinute, max: max, now: now, byKey: map[string]*list.Element{}}
}

func (c *clientLimiters) get(key string) *rate.Limiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*clientLimiter).lim
	}
	if c.lru.Len() >= c.max {
		oldest := c.lru.Back()
		c.lru.Remove(oldest)
		delete(c.byKey, oldest.Value.(*clientLimiter).key)
	}
	lim := rate.NewLimiter(rate.Limit(float64(c.perMinute)/60), c.perMinute)
	c.byKey[key] = c.lru.PushFront(&clientLimiter{key: key, lim: lim})
	return lim
}

// take spends one event of key's budget; when there is none left it
// spends nothing and returns how long until there is.
func (c *clientLimiters) take(key string) (ok bool, retryAfter time.Duration) {
	lim := c.get(key)
	now := c.now()
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Minute
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// exhausted reports whether key has no budget left, without spending any,
// and how long until it has.
func (c *clientLimiters) exhausted(key string) (bool, time.Duration) {
	lim := c.get(key)
	tokens := lim.TokensAt(c.now())
	if tokens >= 1 {
		return false, 0
	}
	return true, time.Duration((1 - tokens) / float64(lim.Limit()) * float64(time.Second))
}

// spend spends one event of key's budget, even when none is left.
func (c *clientLimiters) spend(key string) {
	c.get(key).AllowN(c.now(), 1)
}

// clientAddress is the address rates are counted by: the peer's IP. A
// proxy in front of the gateway makes every client one address: run the
// gateway at the edge, or give the proxy its own limits.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// anonymousRoute reports whether r is one of the routes open without a
// token: the catalogue and certificate verification, through the API or
// the web application's verification page.
func anonymousRoute(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	p := r.URL.Path
	return p == "/v1/titles" || strings.HasPrefix(p, "/v1/titles/") ||
		(strings.HasPrefix(p, "/v1/certificates/") && strings.HasSuffix(p, ":verify")) ||
		strings.HasPrefix(p, "/verifier/")
}

// retryAfterSeconds renders d for a Retry-After header: whole seconds,
// rounded up, at least 1.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
