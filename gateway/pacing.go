package gateway

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"time"
)

// pace bounds how long a client may take to send a body and to read an
// answer, through the connection deadlines of http.ResponseController:
// n bytes must have gone through grace + n/rate after the start. A client
// at a normal speed never meets the deadline, whatever the size; one that
// trickles a byte now and then is cut off after about grace. (Server-wide
// ReadTimeout and WriteTimeout cannot do this: one value would either cut
// off 25 MiB uploads on slow lines or let a trickling client hold the
// connection for as long.)
type pace struct {
	grace time.Duration
	rate  int64 // bytes per second
}

// deadline returns when n bytes must have gone through, counted from start.
func (p pace) deadline(start time.Time, n int64) time.Time {
	return start.Add(p.grace + time.Duration(float64(n)/float64(p.rate)*float64(time.Second)))
}

// pacedBody reads a request body under paced read deadlines. It records
// a missed deadline, so that the error answer can say 408 whatever the
// handler made of the error.
type pacedBody struct {
	body  io.ReadCloser
	rc    *http.ResponseController
	pace  pace
	start time.Time
	n     int64
	state *bodyState
}

// bodyState is what the edge learnt about a request body while it was
// read; the error handlers look it up in the request context.
type bodyState struct {
	limit    int64 // the size limit of limitBody, 0 if none
	tooLarge bool  // more than limit arrived
	tooSlow  bool  // the body did not arrive at the minimum rate
}

type bodyStateKey struct{}

// contextWithBodyState returns r's context carrying s.
func contextWithBodyState(r *http.Request, s *bodyState) context.Context {
	return context.WithValue(r.Context(), bodyStateKey{}, s)
}

// bodyStateOf returns the state the edge put in r's context, or an empty
// one.
func bodyStateOf(r *http.Request) *bodyState {
	if s, ok := r.Context().Value(bodyStateKey{}).(*bodyState); ok {
		return s
	}
	return &bodyState{}
}

// limitBody refuses bodies over max with 413: at once when the
// Content-Length says so, and as soon as more than max bytes arrive when
// the body is chunked (http.MaxBytesReader also makes net/http close the
// connection after the answer instead of reading the rest).
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		state := bodyStateOf(r)
		state.limit = max
		if r.ContentLength > max {
			writeStatus(w, bodyTooLarge(max))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &limitedBody{body: http.MaxBytesReader(w, r.Body, max), state: state}
		}
		next.ServeHTTP(w, r)
	})
}

type limitedBody struct {
	body  io.ReadCloser
	state *bodyState
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		b.state.tooLarge = true
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.body.Close() }

func (b *pacedBody) Read(p []byte) (int, error) {
	_ = b.rc.SetReadDeadline(b.pace.deadline(b.start, b.n))
	n, err := b.body.Read(p)
	b.n += int64(n)
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		// The body is read: net/http now watches the connection for the
		// client going away, and a deadline left here would cancel the
		// request when it passes (during a long download, say).
		_ = b.rc.SetReadDeadline(time.Time{})
	case errors.Is(err, os.ErrDeadlineExceeded):
		b.state.tooSlow = true
	}
	return n, err
}

func (b *pacedBody) Close() error { return b.body.Close() }
