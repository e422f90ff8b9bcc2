package gateway_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/gateway"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/grpcx"
)

// backend is a certification service whose GetTitle fails with the error
// named by the title id, so that the gateway's mapping of every error kind
// to HTTP can be checked against a real gRPC server and interceptor chain.
type backend struct {
	certificationv1.UnimplementedCertificationServiceServer
}

var errorsByID = map[string]error{
	"not-found":    apperr.New(apperr.KindNotFound, "TITLE_NOT_FOUND", "title not found"),
	"invalid":      apperr.Invalid(apperr.FieldViolation{Field: "title_id", Description: "bad code"}),
	"precondition": apperr.New(apperr.KindFailedPrecondition, "VAE_ADMISSIBILITY_EXPIRED", "expired").WithRule("R25"),
	"stale":        apperr.New(apperr.KindAborted, "ETAG_MISMATCH", "stale etag"),
	"exists":       apperr.New(apperr.KindAlreadyExists, "DUPLICATE", "duplicate"),
	"forbidden":    apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED", "not yours"),
	"unauth":       apperr.New(apperr.KindUnauthenticated, "TOKEN_MISSING", "token required"),
	"down":         apperr.New(apperr.KindUnavailable, "DB_DOWN", "database unavailable"),
	"bug":          io.ErrUnexpectedEOF,
}

func (backend) GetTitle(_ context.Context, req *certificationv1.GetTitleRequest) (*certificationv1.GetTitleResponse, error) {
	if err, ok := errorsByID[req.GetTitleId()]; ok {
		return nil, err
	}
	return &certificationv1.GetTitleResponse{Title: &certificationv1.Title{Id: req.GetTitleId(), Label: "ok"}}, nil
}

func startBackend(t testing.TB) string {
	t.Helper()
	srv, _ := grpcx.NewServer(grpcx.ServerOptions{
		Domain:        "certification.titrepro",
		PublicMethods: []string{"/titrepro.certification.v1.CertificationService/GetTitle"},
	})
	certificationv1.RegisterCertificationServiceServer(srv, backend{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

func newGateway(t *testing.T, certAddr string) *httptest.Server {
	t.Helper()
	gw, err := gateway.New(context.Background(), gateway.Options{
		CandidateAddr: "127.0.0.1:1", CertificationAddr: certAddr, AssessmentAddr: "127.0.0.1:1", PortfolioAddr: "127.0.0.1:1",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	ts := httptest.NewServer(gw)
	t.Cleanup(ts.Close)
	return ts
}

func TestErrorKindsMapToHTTPWithDetails(t *testing.T) {
	t.Parallel()
	ts := newGateway(t, startBackend(t))
	tests := []struct {
		id       string
		status   int
		inDetail string
	}{
		{"TP-00495", http.StatusOK, ""},
		{"not-found", http.StatusNotFound, `"reason":"TITLE_NOT_FOUND"`},
		{"invalid", http.StatusBadRequest, `"field_violations":[{"field":"title_id"`},
		{"precondition", http.StatusBadRequest, `"subject":"R25"`},
		{"stale", http.StatusConflict, `"reason":"ETAG_MISMATCH"`},
		{"exists", http.StatusConflict, `"reason":"DUPLICATE"`},
		{"forbidden", http.StatusForbidden, `"reason":"PERMISSION_DENIED"`},
		{"unauth", http.StatusUnauthorized, `"reason":"TOKEN_MISSING"`},
		{"down", http.StatusServiceUnavailable, `"reason":"DB_DOWN"`},
		{"bug", http.StatusInternalServerError, `"message":"internal error"`},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequest("GET", ts.URL+"/v1/titles/"+tt.id, nil)
			req.Header.Set("X-Request-Id", "req-"+tt.id)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s = %d; want %d: %s", tt.id, resp.StatusCode, tt.status, body)
			}
			if !strings.Contains(string(body), tt.inDetail) {
				t.Errorf("body lacks %s: %s", tt.inDetail, body)
			}
			if got := resp.Header.Get("X-Request-Id"); got != "req-"+tt.id {
				t.Errorf("X-Request-Id = %q; want the caller's", got)
			}
			var js map[string]any
			if err := json.Unmarshal(body, &js); err != nil {
				t.Errorf("body is not JSON: %s", body)
			}
		})
	}
}

func TestReadyzNamesTheServicesThatAreDown(t *testing.T) {
	t.Parallel()
	ts := newGateway(t, startBackend(t))
	resp, err := http.Get(ts.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "candidate") || strings.Contains(string(body), "certification") {
		t.Fatalf("readyz = %d %q; want 503 naming candidate, not certification", resp.StatusCode, body)
	}
	for _, path := range []string{"/healthz", "/openapi.json", "/docs", "/metrics"} {
		r, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", path, r.StatusCode)
		}
	}
}

// TestExtraRoutesKeepTheirOwnChallenge: a 401 of the API gets the RFC 6750
// Bearer challenge; an extra route that names its own scheme keeps it.
func TestExtraRoutesKeepTheirOwnChallenge(t *testing.T) {
	t.Parallel()
	gw, err := gateway.New(context.Background(), gateway.Options{
		CandidateAddr: "127.0.0.1:1", CertificationAddr: startBackend(t), AssessmentAddr: "127.0.0.1:1", PortfolioAddr: "127.0.0.1:1",
		Extra: map[string]http.Handler{
			"POST /oauth/token": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("WWW-Authenticate", `Basic realm="titrepro"`)
				w.WriteHeader(http.StatusUnauthorized)
			}),
			"GET /plain": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) }),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	ts := httptest.NewServer(gw)
	t.Cleanup(ts.Close)
	for _, tt := range []struct{ method, path, want string }{
		{"POST", "/oauth/token", `Basic realm="titrepro"`},
		{"GET", "/plain", `Bearer realm="titrepro"`},
		{"GET", "/v1/titles/unauth", `Bearer realm="titrepro"`},
	} {
		req, _ := http.NewRequest(tt.method, ts.URL+tt.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != tt.want {
			t.Errorf("%s %s = %d, WWW-Authenticate %q; want 401, %q", tt.method, tt.path, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), tt.want)
		}
	}
}

// TestRoutesOutsideTheServiceMuxes: a path whose first segment no service
// owns, or written percent-encoded, goes to the mux of every service and
// gets the same answers as before byService.
func TestRoutesOutsideTheServiceMuxes(t *testing.T) {
	t.Parallel()
	ts := newGateway(t, startBackend(t))
	for path, want := range map[string]int{
		"/v1/titles/not-found":   http.StatusNotFound, // the service's own 404
		"/v1/%74itles/not-found": http.StatusNotFound,
		"/v1/%74itles/TP-1":      http.StatusOK,
		"/v1/no-such-thing":      http.StatusNotFound,
	} {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d: %s", path, resp.StatusCode, want, body)
		}
		if !json.Valid(body) {
			t.Errorf("GET %s: the answer is not JSON: %s", path, body)
		}
	}
}
