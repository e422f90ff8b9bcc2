package grpcx

import (
	"context"

	"github.com/google/uuid"
	"google.golang.org/grpc/metadata"
)

// RequestIDHeader is the metadata key of the request id, read from the
// incoming request and echoed as a response header.
const RequestIDHeader = "x-request-id"

// callInfo is what the interceptors learn about a call and log at its end.
// The request id interceptor creates it; the auth interceptor, which runs
// further in, fills subject, which the logging interceptor reads after the
// handler returned, on the same goroutine.
type callInfo struct {
	requestID string
	subject   string
}

type callInfoKey struct{}

func withCallInfo(ctx context.Context) (context.Context, *callInfo) {
	info := &callInfo{requestID: incomingRequestID(ctx)}
	return context.WithValue(ctx, callInfoKey{}, info), info
}

func callInfoFrom(ctx context.Context) *callInfo {
	if info, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
		return info
	}
	return &callInfo{}
}

// RequestID returns the id of the request being served, or "" outside a call.
func RequestID(ctx context.Context) string { return callInfoFrom(ctx).requestID }

// incomingRequestID keeps the caller's id when it is a sane token, so that a
// request can be followed from the gateway through every service, and makes a
// new one otherwise: a hostile id must not forge log lines.
func incomingRequestID(ctx context.Context) string {
	// ValueFromIncomingContext copies the one key's values, where
	// FromIncomingContext copies the whole metadata.
	if ids := metadata.ValueFromIncomingContext(ctx, RequestIDHeader); len(ids) == 1 && validRequestID(ids[0]) {
		return ids[0]
	}
	return uuid.NewString()
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-' || c == '_' || c == '.' || c == ':':
		default:
			return false
		}
	}
	return true
}
