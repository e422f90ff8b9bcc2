package gateway

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestLoadLimits(t *testing.T) {
	t.Parallel()
	l, err := LoadLimits("TITREPRO_", func(string) string { return "" })
	require.NoError(t, err)
	require.Equal(t, Limits{}.WithDefaults(), l)
	require.EqualValues(t, 1<<20, l.MaxBodyBytes)

	env := map[string]string{
		"X_HTTP_MAX_BODY_BYTES": "2048", "X_HTTP_BODY_TIMEOUT": "5s", "X_HTTP_MIN_BODY_RATE": "1000",
		"X_RATE_LIMIT_ANONYMOUS": "0", "X_RATE_LIMIT_AUTH_FAILURES": "7", "X_RATE_LIMIT_MAX_CLIENTS": "3",
	}
	l, err = LoadLimits("X_", func(k string) string { return env[k] })
	require.NoError(t, err)
	require.EqualValues(t, 2048, l.MaxBodyBytes)
	require.Equal(t, 5*time.Second, l.BodyTimeout)
	require.EqualValues(t, 1000, l.MinBodyRate)
	require.Equal(t, -1, l.AnonymousPerMinute, "0 disables")
	require.Equal(t, 7, l.AuthFailuresPerMinute)
	require.Equal(t, 3, l.MaxClients)

	bad := map[string]string{"X_HTTP_MAX_BODY_BYTES": "-1", "X_HTTP_IDLE_TIMEOUT": "never", "X_RATE_LIMIT_ANONYMOUS": "lots"}
	_, err = LoadLimits("X_", func(k string) string { return bad[k] })
	for k := range bad {
		require.ErrorContains(t, err, k)
	}
}

type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func TestClientLimitersTakeThenRefuseWithRetryAfter(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := newClientLimiters(6, 10, clock.Now) // 6 per minute: one every 10 s
	for range 6 {
		ok, _ := c.take("10.0.0.1")
		require.True(t, ok)
	}
	ok, wait := c.take("10.0.0.1")
	require.False(t, ok)
	require.Equal(t, 10*time.Second, wait)
	require.Equal(t, 10, retryAfterSeconds(wait))
	ok, _ = c.take("10.0.0.2")
	require.True(t, ok, "another address has its own budget")
	clock.now = clock.now.Add(10 * time.Second)
	ok, _ = c.take("10.0.0.1")
	require.True(t, ok, "the budget refills")
}

func TestClientLimitersCountFailuresWithoutSpendingOnChecks(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := newClientLimiters(2, 10, clock.Now)
	for range 5 {
		refused, _ := c.exhausted("a")
		require.False(t, refused, "checking spends nothing")
	}
	c.spend("a")
	c.spend("a")
	refused, wait := c.exhausted("a")
	require.True(t, refused)
	require.Equal(t, 30*time.Second, wait)
}

func TestClientLimitersForgetTheLeastRecentlySeen(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := newClientLimiters(1, 2, clock.Now)
	c.spend("a")
	c.spend("b")
	refused, _ := c.exhausted("a") // a is now the most recent
	require.True(t, refused)
	c.spend("c") // evicts b
	require.Len(t, c.byKey, 2)
	require.Contains(t, c.byKey, "a")
	require.NotContains(t, c.byKey, "b")
	require.Nil(t, newClientLimiters(-1, 2, clock.Now), "negative: no limit")
}

func TestPaceDeadline(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := pace{grace: 30 * time.Second, rate: 32 << 10}
	require.Equal(t, start.Add(30*time.Second), p.deadline(start, 0))
	require.Equal(t, start.Add(30*time.Second+800*time.Second), p.deadline(start, 25<<20), "25 MiB at 32 KiB/s")
}

func TestValidRequestText(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]bool{
		"/v1/candidates/abc?page_token=x": true,
		"/v1/candidates/%C3%A9":           true,
		"/v1/candidates/%ff":              false,
		"/v1/candidates?q=%ff":            false,
		"/v1/candidates?%ff=1":            false,
		"/v1/candidates?q=%zz":            false,
	} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		require.Equal(t, want, validRequestText(u), raw)
	}
}

func TestPublicErrorHidesInternals(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "/v1/candidates", nil)
	for _, internal := range []error{
		status.Error(codes.InvalidArgument, `type mismatch, parameter: page_size, error: strconv.ParseInt: parsing "x": invalid syntax`),
		status.Error(codes.InvalidArgument, "proto: syntax error (line 1:2): unexpected token"),
		status.Error(codes.ResourceExhausted, "grpc: received message larger than max (5000000 vs. 4194304)"),
		errors.New("some plain error"),
	} {
		st := status.Convert(publicError(r, internal))
		require.NotContains(t, st.Message(), "strconv")
		require.NotContains(t, st.Message(), "proto:")
		require.NotContains(t, st.Message(), "grpc:")
		require.NotEmpty(t, st.Details(), "an ErrorInfo of the gateway")
		require.Equal(t, errorDomain, st.Details()[0].(*errdetails.ErrorInfo).GetDomain())
	}
	// A service's status, with its details, passes as it is.
	service, err := status.New(codes.NotFound, "candidate not found").WithDetails(&errdetails.ErrorInfo{Reason: "CANDIDATE_NOT_FOUND"})
	require.NoError(t, err)
	require.Equal(t, service.Err(), publicError(r, service.Err()))
}

func TestPublicErrorReportsTheBodyCutAtTheEdge(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("POST", "/v1/candidates", strings.NewReader("{}"))
	require.Equal(t, &bodyState{}, bodyStateOf(r), "no state in the context: an empty one")
	tooLarge := &bodyState{limit: 10, tooLarge: true}
	r = r.WithContext(contextWithBodyState(r, tooLarge))
	var hs *runtime.HTTPStatusError
	require.ErrorAs(t, publicError(r, status.Error(codes.InvalidArgument, "http: request body too large")), &hs)
	require.Equal(t, 413, hs.HTTPStatus)
	r = r.WithContext(contextWithBodyState(r, &bodyState{tooSlow: true}))
	require.ErrorAs(t, publicError(r, status.Error(codes.InvalidArgument, "i/o timeout")), &hs)
	require.Equal(t, 408, hs.HTTPStatus)
}
