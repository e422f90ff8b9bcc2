package gateway

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// bodyTooLarge is the answer to a body over the limit of limitBody.
func bodyTooLarge(max int64) *status.Status {
	return gatewayStatus(codes.ResourceExhausted, "REQUEST_TOO_LARGE",
		"the request body exceeds the size limit ("+strconv.FormatInt(max, 10)+" bytes)",
		map[string]string{"max_bytes": strconv.FormatInt(max, 10)})
}

// bodyTooSlow is the answer to a body that did not arrive at the minimum
// rate (HTTP 408).
var bodyTooSlow = gatewayStatus(codes.DeadlineExceeded, "REQUEST_TOO_SLOW",
	"the request body did not arrive in time", nil)

// errorHandler is grpc-gateway's error handler: grpc-gateway's own
// answers, then whatever a service answered, with what clients may see.
func errorHandler(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	runtime.DefaultHTTPErrorHandler(ctx, mux, m, w, r, publicError(r, err))
}

// logUnavailable logs why a service could not be reached before the
// client gets its plain 503: the reason (a refused TLS handshake, an
// expired certificate, a refused connection) is for operators only. A
// service's own UNAVAILABLE carries details and is its to log.
func logUnavailable(log *slog.Logger, next runtime.ErrorHandlerFunc) runtime.ErrorHandlerFunc {
	return func(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
		if st := status.Convert(err); st.Code() == codes.Unavailable && len(st.Details()) == 0 {
			log.WarnContext(ctx, "service unreachable", "path", r.URL.Path, "err", st.Message())
		}
		next(ctx, mux, m, w, r, err)
	}
}

// publicError returns the error a REST client gets for err. A body cut
// off at the edge gives 413 or 408, whatever the handler made of it. A
// status with details comes from a service and is meant for clients as
// it is. A status without any comes from grpc-gateway or the gRPC client
// (a JSON syntax error, a path parameter of the wrong type, a message
// over a size limit): its text names parser internals, so it is replaced
// by a plain sentence with an ErrorInfo of the gateway.
func publicError(r *http.Request, err error) error {
	state := bodyStateOf(r)
	switch {
	case state.tooLarge:
		return &runtime.HTTPStatusError{HTTPStatus: http.StatusRequestEntityTooLarge, Err: bodyTooLarge(state.limit).Err()}
	case state.tooSlow:
		return &runtime.HTTPStatusError{HTTPStatus: http.StatusRequestTimeout, Err: bodyTooSlow.Err()}
	}
	st := status.Convert(err)
	if len(st.Details()) > 0 {
		return err
	}
	return plainStatus(st.Code()).Err()
}

// plainStatus is the gateway's own answer for a code.
func plainStatus(code codes.Code) *status.Status {
	switch code {
	case codes.InvalidArgument:
		return gatewayStatus(code, "REQUEST_MALFORMED",
			"the request cannot be read: check the JSON body and the path and query parameters", nil)
	case codes.ResourceExhausted:
		return gatewayStatus(code, "MESSAGE_TOO_LARGE", "the request or its answer exceeds a size limit", nil)
	case codes.NotFound:
		return gatewayStatus(code, "ROUTE_NOT_FOUND", "no such resource", nil)
	case codes.Unimplemented:
		return gatewayStatus(code, "METHOD_NOT_ALLOWED", "this method is not allowed on this resource", nil)
	case codes.Unavailable:
		return gatewayStatus(code, "SERVICE_UNAVAILABLE", "a service is unavailable: retry later", nil)
	case codes.Unauthenticated:
		return gatewayStatus(code, "UNAUTHENTICATED", "a valid bearer token is required", nil)
	default:
		msg := http.StatusText(runtime.HTTPStatusFromCode(code))
		if msg == "" { // 499, the client went away
			msg = "the request was cancelled"
		}
		return gatewayStatus(code, code.String(), msg, nil)
	}
}
