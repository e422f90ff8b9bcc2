package grpcx_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/telemetry"
)

// A server with Tracing continues the caller's traceparent, so that the
// call's log line carries the caller's trace id, with or without a tracer
// provider installed.
func TestTracingServerLogsTheCallersTraceID(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	srv, _ := grpcx.NewServer(grpcx.ServerOptions{
		Domain:        testDomain,
		Logger:        slog.New(telemetry.LogHandler(slog.NewJSONHandler(logs, nil))),
		PublicMethods: []string{whoamiMethod},
		Tracing:       true,
	})
	srv.RegisterService(&probeDesc, &probe{started: make(chan struct{}, 8), release: make(chan struct{})})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- grpcx.Serve(ctx, srv, lis, 5*time.Second) }()
	t.Cleanup(func() { cancel(); <-done })
	conn, err := grpcx.Dial(lis.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })

	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	call := metadata.AppendToOutgoingContext(callCtx(t), "traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	require.NoError(t, conn.Invoke(call, whoamiMethod, wrapperspb.String(""), new(wrapperspb.StringValue)))
	// And one call without: its line has no trace id.
	require.NoError(t, conn.Invoke(callCtx(t), whoamiMethod, wrapperspb.String(""), new(wrapperspb.StringValue)))

	var traced, untraced int
	for line := range strings.SplitSeq(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec))
		if rec["msg"] != "grpc call" {
			continue
		}
		switch rec["trace_id"] {
		case traceID:
			traced++
		case nil:
			untraced++
		default:
			// A recording provider installed by another test would give
			// the second call a trace of its own.
			untraced++
		}
	}
	require.Equal(t, 1, traced, "logs: %s", logs.String())
	require.Equal(t, 1, untraced, "logs: %s", logs.String())
}

// BenchmarkTracingOverhead measures a public unary call with and without
// tracing on the server and the client, no tracer provider installed (no
// exporter): the cost every call pays when tracing is not configured
// (ADR 0017: none, allocation for allocation).
func BenchmarkTracingOverhead(b *testing.B) {
	for _, mode := range []string{"off", "on", "recording"} {
		b.Run(mode, func(b *testing.B) {
			tracing := mode != "off"
			if mode == "recording" {
				// Spans recorded, then dropped: the work of an exporting
				// process but the export.
				telemetry.SetTracerProvider(sdktrace.NewTracerProvider())
				defer telemetry.SetTracerProvider(nil)
			}
			srv, _ := grpcx.NewServer(grpcx.ServerOptions{
				Domain:        testDomain,
				Logger:        slog.New(telemetry.LogHandler(slog.DiscardHandler)),
				PublicMethods: []string{whoamiMethod},
				Tracing:       tracing,
			})
			srv.RegisterService(&probeDesc, &probe{started: make(chan struct{}, 8), release: make(chan struct{})})
			lis, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(b, err)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- grpcx.Serve(ctx, srv, lis, 5*time.Second) }()
			defer func() { cancel(); <-done }()
			dial := []grpc.DialOption{}
			if tracing {
				dial = append(dial, grpcx.TracingDialOptions()...)
			}
			conn, err := grpcx.Dial(lis.Addr().String(), dial...)
			require.NoError(b, err)
			defer conn.Close()
			in, out := wrapperspb.String(""), new(wrapperspb.StringValue)
			b.ReportAllocs()
			for b.Loop() {
				if err := conn.Invoke(context.Background(), whoamiMethod, in, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
