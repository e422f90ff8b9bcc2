package grpcx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
)

// interceptors holds what the server interceptors share. NewServer chains
// them, outermost first: recovery, request id, logging, auth, errors,
// bounds (every string of a request within MaxLength).
type interceptors struct {
	domain   string
	log      *slog.Logger
	verifier auth.Verifier
	public   map[string]bool
	metrics  *Metrics
	// carryTrace: the request id interceptor puts the caller's trace
	// context in the call's context (serverTracing).
	carryTrace bool
}

func (ic *interceptors) unary() []grpc.UnaryServerInterceptor {
	return []grpc.UnaryServerInterceptor{
		ic.recoveryUnary, ic.requestIDUnary, ic.loggingUnary, ic.authUnary, ic.errorsUnary, ic.boundsUnary,
	}
}

func (ic *interceptors) stream() []grpc.StreamServerInterceptor {
	return []grpc.StreamServerInterceptor{
		ic.recoveryStream, ic.requestIDStream, ic.loggingStream, ic.authStream, ic.errorsStream, ic.boundsStream,
	}
}

// serverStream replaces the context of a stream.
type serverStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *serverStream) Context() context.Context { return s.ctx }

// --- recovery: a panicking handler fails its call, not the process.

func (ic *interceptors) recoveryUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if r := recover(); r != nil {
			resp, err = nil, ic.recovered(ctx, info.FullMethod, r)
		}
	}()
	return handler(ctx, req)
}

func (ic *interceptors) recoveryStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = ic.recovered(ss.Context(), info.FullMethod, r)
		}
	}()
	return handler(srv, ss)
}

func (ic *interceptors) recovered(ctx context.Context, method string, r any) error {
	ic.log.ErrorContext(ctx, "grpc handler panicked",
		"method", method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	return internalStatus(ic.domain).Err()
}

// --- request id: every call has one, in the logs and in the response headers.

func (ic *interceptors) requestIDUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if ic.carryTrace {
		ctx = extractTrace(ctx)
	}
	ctx, call := withCallInfo(ctx)
	// SetHeader only fails once headers are sent, which cannot have happened yet.
	_ = grpc.SetHeader(ctx, metadata.Pairs(RequestIDHeader, call.requestID))
	return handler(ctx, req)
}

func (ic *interceptors) requestIDStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx := ss.Context()
	if ic.carryTrace {
		ctx = extractTrace(ctx)
	}
	ctx, call := withCallInfo(ctx)
	_ = ss.SetHeader(metadata.Pairs(RequestIDHeader, call.requestID))
	return handler(srv, &serverStream{ServerStream: ss, ctx: ctx})
}

// --- logging and metrics: one line per call, never the token.

func (ic *interceptors) loggingUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	start := time.Now()
	finished := false
	defer func() {
		if !finished { // panicking: recovery turns it into Internal
			ic.logCall(ctx, info.FullMethod, codes.Internal, start)
		}
	}()
	resp, err := handler(ctx, req)
	finished = true
	ic.logCall(ctx, info.FullMethod, status.Code(err), start)
	return resp, err
}

func (ic *interceptors) loggingStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	start := time.Now()
	finished := false
	defer func() {
		if !finished {
			ic.logCall(ss.Context(), info.FullMethod, codes.Internal, start)
		}
	}()
	err := handler(srv, ss)
	finished = true
	ic.logCall(ss.Context(), info.FullMethod, status.Code(err), start)
	return err
}

func (ic *interceptors) logCall(ctx context.Context, method string, code codes.Code, start time.Time) {
	elapsed := time.Since(start)
	ic.metrics.observe(method, code, elapsed)
	level := slog.LevelInfo
	switch code {
	case codes.Internal, codes.Unknown, codes.DataLoss:
		level = slog.LevelError
	}
	call := callInfoFrom(ctx)
	ic.log.LogAttrs(ctx, level, "grpc call",
		slog.String("method", method),
		slog.String("code", code.String()),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.String("request_id", call.requestID),
		slog.String("subject", call.subject),
	)
}

// --- auth: "authorization: Bearer <jwt>" becomes an auth.Principal.

func (ic *interceptors) authUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	ctx, err := ic.authenticate(ctx, info.FullMethod)
	if err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

func (ic *interceptors) authStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx, err := ic.authenticate(ss.Context(), info.FullMethod)
	if err != nil {
		return err
	}
	return handler(srv, &serverStream{ServerStream: ss, ctx: ctx})
}

// authenticate verifies the bearer token, if any, and stores the principal in
// ctx. A public method may be called without a token, but a token that is
// present must be valid there too. The returned error is already a status:
// the errors interceptor runs further in.
func (ic *interceptors) authenticate(ctx context.Context, method string) (context.Context, error) {
	token, err := bearerToken(ctx)
	if err == nil && token == "" {
		if ic.public[method] {
			return ctx, nil
		}
		err = auth.ErrTokenMissing
	}
	var p auth.Principal
	if err == nil {
		p, err = ic.verify(ctx, token)
	}
	if err != nil {
		st := ToStatus(ic.domain, err)
		ic.log.WarnContext(ctx, "grpc authentication failed",
			"method", method, "code", st.Code().String(), "request_id", RequestID(ctx), "error", err)
		return ctx, st.Err()
	}
	callInfoFrom(ctx).subject = p.Subject
	return auth.WithPrincipal(ctx, p), nil
}

func (ic *interceptors) verify(ctx context.Context, token string) (auth.Principal, error) {
	if ic.verifier == nil { // fail closed: no verifier, no principal
		return auth.Principal{}, auth.ErrTokenInvalid.WithCause(errors.New("server has no token verifier"))
	}
	return ic.verifier.Verify(ctx, token)
}

// bearerToken returns the token of the authorization metadata, "" when there
// is none, or an error when the metadata is not a single Bearer credential.
func bearerToken(ctx context.Context) (string, error) {
	values := metadata.ValueFromIncomingContext(ctx, "authorization") // not a copy of every key
	switch len(values) {
	case 0:
		return "", nil
	case 1:
	default:
		return "", auth.ErrTokenInvalid.WithCause(errors.New("several authorization values"))
	}
	scheme, token, _ := strings.Cut(values[0], " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", auth.ErrTokenInvalid.WithCause(errors.New("authorization is not a Bearer credential"))
	}
	return token, nil
}

// --- errors: whatever a handler returns becomes a status (ToStatus).

func (ic *interceptors) errorsUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	resp, err := handler(ctx, req)
	if err != nil {
		return nil, ic.toStatusErr(ctx, info.FullMethod, err)
	}
	return resp, nil
}

func (ic *interceptors) errorsStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if err := handler(srv, ss); err != nil {
		return ic.toStatusErr(ss.Context(), info.FullMethod, err)
	}
	return nil
}

// toStatusErr converts err and logs the cause of internal errors and of
// data found damaged, the only place where it is kept.
func (ic *interceptors) toStatusErr(ctx context.Context, method string, err error) error {
	st := ToStatus(ic.domain, err)
	if st.Code() == codes.Internal || st.Code() == codes.DataLoss {
		ic.log.ErrorContext(ctx, "grpc internal error",
			"method", method, "request_id", RequestID(ctx), "subject", callInfoFrom(ctx).subject,
			"kind", apperr.KindOf(err).String(), "error", err)
	}
	return st.Err()
}
