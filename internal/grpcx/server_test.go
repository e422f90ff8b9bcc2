package grpcx_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/titrepro/titrepro/internal/grpcx"
)

func withToken(ctx context.Context, token string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}

// requireStatus checks the code and, when reason is set, the ErrorInfo reason
// and domain of err.
func requireStatus(t *testing.T, err error, code codes.Code, reason string) *status.Status {
	t.Helper()
	st, ok := status.FromError(err)
	require.True(t, ok, "not a status: %v", err)
	require.Equal(t, code, st.Code(), "status %v", st)
	if reason != "" {
		ei := errorInfo(st)
		require.NotNil(t, ei, "no ErrorInfo in %v", st)
		require.Equal(t, reason, ei.GetReason())
		require.Equal(t, testDomain, ei.GetDomain())
	}
	return st
}

func TestServerAuthentication(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	good := f.token(t, "juror-1")
	tests := []struct {
		name   string
		method string
		auth   []string // authorization values
		code   codes.Code
		reason string
		want   string
	}{
		{"no token", echoMethod, nil, codes.Unauthenticated, "TOKEN_MISSING", ""},
		{"garbage token", echoMethod, []string{"Bearer garbage"}, codes.Unauthenticated, "TOKEN_INVALID", ""},
		{"not a bearer", echoMethod, []string{"Basic " + good}, codes.Unauthenticated, "TOKEN_INVALID", ""},
		{"empty bearer", echoMethod, []string{"Bearer "}, codes.Unauthenticated, "TOKEN_INVALID", ""},
		{"two tokens", echoMethod, []string{"Bearer " + good, "Bearer " + good}, codes.Unauthenticated, "TOKEN_INVALID", ""},
		{"valid token", echoMethod, []string{"Bearer " + good}, codes.OK, "", "juror-1"},
		{"lower-case scheme", echoMethod, []string{"bearer " + good}, codes.OK, "", "juror-1"},
		{"public without token", whoamiMethod, nil, codes.OK, "", "anonymous"},
		{"public with token", whoamiMethod, []string{"Bearer " + good}, codes.OK, "", "juror-1"},
		{"public with bad token", whoamiMethod, []string{"Bearer garbage"}, codes.Unauthenticated, "TOKEN_INVALID", ""},
	}
	t.Run("matrix", func(t *testing.T) { // returns once the parallel cases are done
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				ctx := callCtx(t)
				for _, v := range tt.auth {
					ctx = metadata.AppendToOutgoingContext(ctx, "authorization", v)
				}
				out := new(wrapperspb.StringValue)
				err := f.conn.Invoke(ctx, tt.method, wrapperspb.String(""), out)
				if tt.code == codes.OK {
					require.NoError(t, err)
					require.Equal(t, tt.want, out.GetValue())
					return
				}
				requireStatus(t, err, tt.code, tt.reason)
			})
		}
	})

	// Health probes need no token.
	resp, err := healthgrpc.NewHealthClient(f.conn).Check(callCtx(t), &healthgrpc.HealthCheckRequest{})
	require.NoError(t, err)
	require.Equal(t, healthgrpc.HealthCheckResponse_SERVING, resp.GetStatus())

	// The token never reaches the logs; the subject does.
	logs := f.logs.String()
	require.NotContains(t, logs, good)
	require.NotContains(t, logs, strings.Split(good, ".")[2], "not even the signature")
	require.Contains(t, logs, `"subject":"juror-1"`)
}

func TestServerStreamAuthentication(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	_, err := f.stream(callCtx(t), "")
	requireStatus(t, err, codes.Unauthenticated, "TOKEN_MISSING")

	got, err := f.stream(withToken(callCtx(t), f.token(t, "juror-2")), "")
	require.NoError(t, err)
	require.Equal(t, "juror-2", got)

	_, err = f.stream(withToken(callCtx(t), f.token(t, "juror-2")), "not-found")
	requireStatus(t, err, codes.NotFound, "CANDIDATE_NOT_FOUND")
}

func TestServerMapsHandlerErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := withToken(callCtx(t), f.token(t, "juror-1"))

	_, err := f.echo(ctx, "not-found")
	st := requireStatus(t, err, codes.NotFound, "CANDIDATE_NOT_FOUND")
	require.Equal(t, "candidate not found", st.Message())
	require.Equal(t, map[string]string{"candidate": "candidates/9"}, errorInfo(st).GetMetadata())

	_, err = f.echo(ctx, "bug")
	st = requireStatus(t, err, codes.Internal, "INTERNAL")
	require.Equal(t, "internal error", st.Message())
	require.NotContains(t, detailsText(st), "secret")
	// The cause is logged, with the request's subject.
	require.Contains(t, f.logs.String(), "disk on fire at /var/secret")
}

func TestServerSurvivesPanics(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := withToken(callCtx(t), f.token(t, "juror-1"))

	_, err := f.echo(ctx, "panic")
	st := requireStatus(t, err, codes.Internal, "INTERNAL")
	require.Equal(t, "internal error", st.Message())
	_, err = f.stream(ctx, "panic")
	requireStatus(t, err, codes.Internal, "INTERNAL")

	got, err := f.echo(ctx, "")
	require.NoError(t, err, "the server is still up")
	require.Equal(t, "juror-1", got)
	logs := f.logs.String()
	require.Contains(t, logs, "grpc handler panicked")
	require.Contains(t, logs, "probe asked to panic")
	require.Contains(t, logs, "goroutine", "the stack is logged")
}

func TestServerRequestID(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	token := f.token(t, "juror-1")
	tests := []struct {
		name     string
		sent     string
		keepSent bool
	}{
		{"caller's id is kept", "req-0123_abc.def:9", true},
		{"none sent", "", false},
		{"hostile id is replaced", `x" level=ERROR msg="forged`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := withToken(callCtx(t), token)
			if tt.sent != "" {
				ctx = metadata.AppendToOutgoingContext(ctx, grpcx.RequestIDHeader, tt.sent)
			}
			var header metadata.MD
			inHandler, err := f.echo(ctx, "request-id", grpc.Header(&header))
			require.NoError(t, err)
			ids := header.Get(grpcx.RequestIDHeader)
			require.Len(t, ids, 1)
			require.Equal(t, inHandler, ids[0], "RequestID(ctx) and the header agree")
			if tt.keepSent {
				require.Equal(t, tt.sent, ids[0])
			} else {
				require.Len(t, ids[0], 36, "a fresh UUID")
			}
		})
	}

	// Rejected calls carry it too.
	var header metadata.MD
	_, err := f.echo(callCtx(t), "", grpc.Header(&header))
	requireStatus(t, err, codes.Unauthenticated, "TOKEN_MISSING")
	require.Len(t, header.Get(grpcx.RequestIDHeader), 1)
}

func TestForwardAuthCallsPeersAsTheUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	// Echo "forward" calls Whoami through a ForwardAuth connection: Whoami sees
	// the original caller, not an anonymous service.
	got, err := f.echo(withToken(callCtx(t), f.token(t, "juror-7")), "forward")
	require.NoError(t, err)
	require.Equal(t, "juror-7", got)
}

func TestServerMetrics(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	ctx := withToken(callCtx(t), f.token(t, "juror-1"))
	for range 3 {
		_, err := f.echo(ctx, "")
		require.NoError(t, err)
	}
	_, err := f.echo(callCtx(t), "")
	require.Error(t, err)

	families, err := f.registry.Gather()
	require.NoError(t, err)
	counts := map[string]float64{}
	var observations uint64
	for _, fam := range families {
		for _, m := range fam.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["service"] != probeService || labels["method"] != "Echo" {
				continue
			}
			switch fam.GetName() {
			case "titrepro_grpc_requests_total":
				counts[labels["code"]] = m.GetCounter().GetValue()
			case "titrepro_grpc_request_duration_seconds":
				observations = m.GetHistogram().GetSampleCount()
			}
		}
	}
	require.Equal(t, map[string]float64{"OK": 3, "Unauthenticated": 1}, counts)
	require.EqualValues(t, 4, observations)

	// A second server in the same process shares the collectors.
	_, err = grpcx.NewMetrics(f.registry)
	require.NoError(t, err)
}

func TestServeDrainsInFlightCalls(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- grpcx.Serve(ctx, f.srv, f.lis, time.Minute) }()

	userCtx := withToken(callCtx(t), f.token(t, "juror-1"))
	result := make(chan error, 1)
	go func() {
		got, err := f.echo(userCtx, "slow")
		if err == nil && got != "done" {
			err = status.Errorf(codes.Unknown, "got %q", got)
		}
		result <- err
	}()
	<-f.probe.started
	cancel()

	// New connections are refused while the call drains.
	waitFor(t, "the listener to close", func() bool {
		c, err := net.DialTimeout("tcp", f.lis.Addr().String(), time.Second)
		if err != nil {
			return true
		}
		c.Close()
		return false
	})
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v before the in-flight call finished", err)
	default:
	}
	close(f.probe.release)
	require.NoError(t, <-result, "the in-flight call completes")
	require.NoError(t, <-served)
}

func TestServeCutsOffCallsAfterTheDrainPeriod(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- grpcx.Serve(ctx, f.srv, f.lis, 50*time.Millisecond) }()

	result := make(chan error, 1)
	go func() {
		_, err := f.echo(withToken(callCtx(t), f.token(t, "juror-1")), "slow")
		result <- err
	}()
	<-f.probe.started
	cancel()
	require.ErrorIs(t, <-served, grpcx.ErrDrainTimeout)
	require.Error(t, <-result, "the call was cut off")
}

func TestServeReportsAFailedListener(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	t.Cleanup(f.srv.Stop)
	require.NoError(t, f.lis.Close())
	err := grpcx.Serve(context.Background(), f.srv, f.lis, time.Second)
	require.Error(t, err)
}

// waitFor polls cond until it holds or the test times out.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
