package gateway

import (
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
)

// edge is the outermost handler: everything that holds for every request
// whatever its route. In order: the rate limits of the client address,
// the path and query being valid UTF-8, the pace of the body and of the
// answer, the response headers (nosniff, no-store, no internal headers,
// the RFC 6750 challenge), then one log line and the metrics.
type edge struct {
	log       *slog.Logger
	metrics   *httpMetrics
	body      pace // grace BodyTimeout
	answer    pace // grace WriteTimeout
	anonymous *clientLimiters
	failures  *clientLimiters
	next      http.Handler
}

func newEdge(log *slog.Logger, m *httpMetrics, limits Limits, next http.Handler) *edge {
	now := time.Now
	return &edge{
		log: log, metrics: m, next: next,
		body:      pace{grace: limits.BodyTimeout, rate: limits.MinBodyRate},
		answer:    pace{grace: limits.WriteTimeout, rate: limits.MinBodyRate},
		anonymous: newClientLimiters(limits.AnonymousPerMinute, limits.MaxClients, now),
		failures:  newClientLimiters(limits.AuthFailuresPerMinute, limits.MaxClients, now),
	}
}

func (e *edge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	resp := &response{ResponseWriter: w, rc: http.NewResponseController(w), req: r, pace: e.answer, status: http.StatusOK}
	e.serve(resp, r, start)
	elapsed := time.Since(start)
	e.metrics.requests.WithLabelValues(r.Method, strconv.Itoa(resp.status)).Inc()
	e.metrics.duration.WithLabelValues(r.Method).Observe(elapsed.Seconds())
	level := slog.LevelInfo
	if resp.status >= 500 {
		level = slog.LevelError
	}
	// The query string is left out of the log (it may carry page tokens);
	// the Authorization header is never read here.
	e.log.LogAttrs(r.Context(), level, "http request",
		slog.String("method", r.Method), slog.String("path", strings.ToValidUTF8(r.URL.Path, "\uFFFD")),
		slog.Int("status", resp.status), slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.String("request_id", w.Header().Get("X-Request-Id")))
}

func (e *edge) serve(w *response, r *http.Request, start time.Time) {
	client := clientAddress(r)
	switch {
	case anonymousRoute(r):
		if e.anonymous != nil {
			if ok, wait := e.anonymous.take(client); !ok {
				if !strings.HasPrefix(r.URL.Path, "/v1/") {
					writeTooManyPage(w, wait)
					return
				}
				writeTooMany(w, wait, "RATE_LIMITED", "too many requests from this address: retry later")
				return
			}
		}
	case strings.HasPrefix(r.URL.Path, "/v1/") && e.failures != nil:
		if refused, wait := e.failures.exhausted(client); refused {
			writeTooMany(w, wait, "AUTHENTICATION_RATE_LIMITED",
				"too many failed authentications from this address: retry later")
			return
		}
	}
	if !validRequestText(r.URL) {
		writeStatus(w, gatewayStatus(codes.InvalidArgument, "REQUEST_MALFORMED",
			"the path and query must be valid UTF-8, percent-encoded", nil))
		return
	}
	state := &bodyState{}
	r = r.WithContext(contextWithBodyState(r, state))
	if r.Body != nil && r.Body != http.NoBody {
		// A deadline from the start: net/http discards an unread body after
		// the handler, which a trickling client could otherwise stretch.
		_ = w.rc.SetReadDeadline(e.body.deadline(start, 0))
		r.Body = &pacedBody{body: r.Body, rc: w.rc, pace: e.body, start: start, state: state}
	}
	e.next.ServeHTTP(w, r)
	if w.status == http.StatusUnauthorized && e.failures != nil {
		e.failures.spend(client)
	}
}

// validRequestText reports whether the path and the query decode to valid
// UTF-8: path segments and query values become protobuf strings, which
// must be.
func validRequestText(u *url.URL) bool {
	if !utf8.ValidString(u.Path) {
		return false
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return false
	}
	for k, vs := range q {
		if !utf8.ValidString(k) {
			return false
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return false
			}
		}
	}
	return true
}

func writeTooMany(w http.ResponseWriter, wait time.Duration, reason, msg string) {
	secs := retryAfterSeconds(wait)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeStatusCode(w, http.StatusTooManyRequests, gatewayStatus(codes.ResourceExhausted, reason, msg,
		map[string]string{"retry_after_seconds": strconv.Itoa(secs)}))
}

// writeTooManyPage is the 429 of a web page (the certificate verification
// page): a sentence in French rather than the API's JSON.
func writeTooManyPage(w http.ResponseWriter, wait time.Duration) {
	secs := retryAfterSeconds(wait)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writePlain(w, http.StatusTooManyRequests, "Trop de demandes depuis votre adresse : réessayez dans "+strconv.Itoa(secs)+" secondes.")
}

// response sets the headers every answer gets, paces the writes of the
// answer and records its status.
type response struct {
	http.ResponseWriter
	rc          *http.ResponseController
	req         *http.Request
	pace        pace
	status      int
	wroteHeader bool
	firstWrite  time.Time
	written     int64
}

func (w *response) WriteHeader(code int) {
	if w.wroteHeader || code < 200 {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.wroteHeader, w.status = true, code
	h := w.Header()
	for k := range h {
		// grpc-gateway's forwarded metadata: internal, never for clients.
		if strings.HasPrefix(k, "Grpc-") || strings.HasPrefix(k, "Grpcgateway-") {
			delete(h, k)
		}
	}
	h.Set("X-Content-Type-Options", "nosniff")
	if strings.HasPrefix(w.req.URL.Path, "/v1/") && h.Get("Cache-Control") == "" {
		// API answers carry personal data: no cache may keep them.
		h.Set("Cache-Control", "no-store")
	}
	if code == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", bearerChallenge(w.req))
	}
	w.ResponseWriter.WriteHeader(code)
}

// bearerChallenge is the RFC 6750 challenge of a 401: invalid_token when
// a token was sent, no error code when none was.
func bearerChallenge(r *http.Request) string {
	if r.Header.Get("Authorization") == "" {
		return `Bearer realm="titrepro"`
	}
	return `Bearer realm="titrepro", error="invalid_token"`
}

func (w *response) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.firstWrite.IsZero() {
		w.firstWrite = time.Now()
	}
	_ = w.rc.SetWriteDeadline(w.pace.deadline(w.firstWrite, w.written+int64(len(p))))
	n, err := w.ResponseWriter.Write(p)
	w.written += int64(n)
	return n, err
}

// Flush keeps streamed responses streaming.
func (w *response) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	_ = w.rc.Flush()
}

func (w *response) Unwrap() http.ResponseWriter { return w.ResponseWriter }
