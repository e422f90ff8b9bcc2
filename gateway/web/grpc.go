package web

import (
	"context"
	"net/http"
	"time"

	"google.golang.org/grpc/metadata"
)

// callTimeout bounds one call to a service made for a page.
const callTimeout = 10 * time.Second

// callContext returns the context of a service call made for r: the
// user's access token as "authorization" metadata (none for an anonymous
// request: public methods need none), the request id, and a deadline.
// The services check the token and their rules as for any REST or gRPC
// client; the web application has no other way to the data.
//
//	ctx, cancel := callContext(r)
//	defer cancel()
//	resp, err := a.svc.candidate.GetCandidate(ctx, req)
//	if err != nil { a.fail(w, r, err); return }
func callContext(r *http.Request) (context.Context, context.CancelFunc) {
	ctx := r.Context()
	var md []string
	if s := SessionOf(r); s != nil {
		md = append(md, "authorization", "Bearer "+s.AccessToken)
	}
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 128 {
		md = append(md, "x-request-id", id)
	}
	if len(md) > 0 {
		ctx = metadata.AppendToOutgoingContext(ctx, md...)
	}
	return context.WithTimeout(ctx, callTimeout)
}
