package grpcx_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/grpcx"
)

// The probe service is written by hand (no generated code): Echo answers
// according to its input, Whoami is registered public, Stream is a
// server-streaming call.
const (
	probeService = "titrepro.test.v1.Probe"
	echoMethod   = "/" + probeService + "/Echo"
	whoamiMethod = "/" + probeService + "/Whoami"
	streamMethod = "/" + probeService + "/Stream"
)

type probe struct {
	started chan struct{} // receives when a "slow" call starts
	release chan struct{} // closed to let "slow" calls finish
	peer    *grpc.ClientConn
}

// answer implements the behaviour common to Echo and Stream.
func (p *probe) answer(ctx context.Context, in string) (string, error) {
	switch in {
	case "panic":
		panic("probe asked to panic")
	case "not-found":
		return "", apperr.New(apperr.KindNotFound, "CANDIDATE_NOT_FOUND", "candidate not found").WithMeta("candidate", "candidates/9")
	case "bug":
		return "", errors.New("disk on fire at /var/secret")
	case "slow":
		p.started <- struct{}{}
		select {
		case <-p.release:
			return "done", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	case "request-id":
		return grpcx.RequestID(ctx), nil
	case "forward":
		out := new(wrapperspb.StringValue)
		err := p.peer.Invoke(ctx, whoamiMethod, wrapperspb.String(""), out)
		return out.GetValue(), err
	}
	pr, err := auth.Require(ctx)
	if err != nil {
		return "", err
	}
	return pr.Subject, nil
}

func (p *probe) whoami(ctx context.Context) string {
	if pr, ok := auth.FromContext(ctx); ok {
		return pr.Subject
	}
	return "anonymous"
}

func unaryHandler(method string, fn func(p *probe, ctx context.Context, in string) (string, error)) grpc.MethodHandler {
	return func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
		in := new(wrapperspb.StringValue)
		if err := dec(in); err != nil {
			return nil, err
		}
		h := func(ctx context.Context, req any) (any, error) {
			out, err := fn(srv.(*probe), ctx, req.(*wrapperspb.StringValue).GetValue())
			if err != nil {
				return nil, err
			}
			return wrapperspb.String(out), nil
		}
		return interceptor(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: method}, h)
	}
}

var probeDesc = grpc.ServiceDesc{
	ServiceName: probeService,
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{
		{MethodName: "Echo", Handler: unaryHandler(echoMethod, (*probe).answer)},
		{MethodName: "Whoami", Handler: unaryHandler(whoamiMethod, func(p *probe, ctx context.Context, _ string) (string, error) {
			return p.whoami(ctx), nil
		})},
	},
	Streams: []grpc.StreamDesc{{
		StreamName:    "Stream",
		ServerStreams: true,
		Handler: func(srv any, stream grpc.ServerStream) error {
			in := new(wrapperspb.StringValue)
			if err := stream.RecvMsg(in); err != nil {
				return err
			}
			out, err := srv.(*probe).answer(stream.Context(), in.GetValue())
			if err != nil {
				return err
			}
			return stream.SendMsg(wrapperspb.String(out))
		},
	}},
}

// syncBuffer is a log sink safe for concurrent handlers.
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

// fixture is a running server with its probe, a client, a token issuer, the
// server's logs and metrics registry.
type fixture struct {
	srv      *grpc.Server
	health   *health.Server
	lis      net.Listener
	probe    *probe
	conn     *grpc.ClientConn
	issuer   *auth.LocalIssuer
	logs     *syncBuffer
	registry *prometheus.Registry
}

// newFixture builds the server; serve starts it with grpcx.Serve unless the
// test does so itself.
func newFixture(t *testing.T, serve bool) *fixture {
	t.Helper()
	issuer, err := auth.LoadOrCreateLocalIssuer(t.TempDir(), "https://titrepro.test", "titrepro")
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := auth.NewJWKSVerifier(issuer.VerifierOptions())
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	metrics, err := grpcx.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv, hs := grpcx.NewServer(grpcx.ServerOptions{
		Domain:        testDomain,
		Logger:        slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Verifier:      verifier,
		PublicMethods: []string{whoamiMethod},
		Metrics:       metrics,
	})
	p := &probe{started: make(chan struct{}, 8), release: make(chan struct{})}
	srv.RegisterService(&probeDesc, p)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := grpcx.Dial(lis.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	peer, err := grpcx.Dial(lis.Addr().String(), grpcx.ForwardAuth()...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { peer.Close() })
	p.peer = peer
	f := &fixture{srv: srv, health: hs, lis: lis, probe: p, conn: conn, issuer: issuer, logs: logs, registry: reg}
	if serve {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- grpcx.Serve(ctx, srv, lis, 5*time.Second) }()
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Serve: %v", err)
			}
		})
	}
	return f
}

// token mints a token for a juror named subject.
func (f *fixture) token(t *testing.T, subject string) string {
	t.Helper()
	tok, err := f.issuer.Issue(auth.Principal{Subject: subject, Roles: []auth.Role{auth.RoleJuror}}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// callCtx returns a context with a deadline, as every client call should have.
func callCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// echo calls Echo and returns its answer.
func (f *fixture) echo(ctx context.Context, in string, opts ...grpc.CallOption) (string, error) {
	out := new(wrapperspb.StringValue)
	err := f.conn.Invoke(ctx, echoMethod, wrapperspb.String(in), out, opts...)
	return out.GetValue(), err
}

// stream calls Stream and returns its single answer.
func (f *fixture) stream(ctx context.Context, in string) (string, error) {
	s, err := f.conn.NewStream(ctx, &probeDesc.Streams[0], streamMethod)
	if err != nil {
		return "", err
	}
	if err := s.SendMsg(wrapperspb.String(in)); err != nil {
		return "", err
	}
	if err := s.CloseSend(); err != nil {
		return "", err
	}
	out := new(wrapperspb.StringValue)
	if err := s.RecvMsg(out); err != nil {
		return "", err
	}
	if err := s.RecvMsg(out); !errors.Is(err, io.EOF) {
		return "", err
	}
	return out.GetValue(), nil
}
