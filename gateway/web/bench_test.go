package web

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
)

// BenchmarkPages measures the server time of each page, from the request
// to the last byte written (gzip included), with the application's handler
// alone: the p95 is reported as p95-ms, the answer's size as bytes/op.
// The verdict page includes a real gRPC round trip to a certification
// backend on loopback (web_test.go). Run with `make bench`; the figures are
// printed, never asserted (issue 7's target: p95 < 50 ms).
func BenchmarkPages(b *testing.B) {
	app, _ := newTestApp(b, Config{}, startCertBackend(b, newCertBackend()))
	session, err := app.cookies.seal(sessionPurpose, Session{Subject: "centre-lyon", Roles: []auth.Role{auth.RoleCentre},
		Centre: "CENTRE-69-001", AccessToken: "t", Expiry: time.Now().Add(time.Hour), CSRFSecret: newCSRFSecret()})
	if err != nil {
		b.Fatal(err)
	}
	for _, page := range []struct {
		name, path string
		signedIn   bool
		status     int
	}{
		{"home", "/", false, 200},
		{"home-signed-in", "/", true, 200},
		{"account", "/compte", true, 200},
		{"verify-form", "/verifier", false, 200},
		{"verify-verdict", "/verifier/" + validNumber, false, 200},
		{"not-found", "/nulle-part", false, 404},
	} {
		b.Run(page.name, func(b *testing.B) {
			var durations []time.Duration
			var size int
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, page.path, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				if page.signedIn {
					req.AddCookie(&http.Cookie{Name: sessionCookiePlain, Value: session})
				}
				rec := httptest.NewRecorder()
				start := time.Now()
				app.ServeHTTP(rec, req)
				durations = append(durations, time.Since(start))
				if rec.Code != page.status {
					b.Fatalf("%s = %d; want %d", page.path, rec.Code, page.status)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(p95(durations), "p95-ms")
			b.ReportMetric(float64(size), "bytes/op")
		})
	}
}

// p95 returns the 95th percentile of d in milliseconds.
func p95(d []time.Duration) float64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(d))
	return float64(s[len(s)*95/100]) / float64(time.Millisecond)
}
