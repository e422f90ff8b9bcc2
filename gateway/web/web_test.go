package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/grpcx"
)

// certBackend is a certification service answering VerifyCertificate with
// the answer set for each number, behind the real interceptor chain
// (grpcx), so that the pages are checked against every answer the
// service's contract allows, including its errors. The answers themselves
// are the service's business, tested there and end to end.
type certBackend struct {
	certificationv1.UnimplementedCertificationServiceServer
	answers map[string]*certificationv1.VerifyCertificateResponse
	errs    map[string]error
	// lastAuth is the authorization metadata of the last call.
	lastAuth chan string
}

func (b *certBackend) VerifyCertificate(ctx context.Context, req *certificationv1.VerifyCertificateRequest) (*certificationv1.VerifyCertificateResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	select {
	case b.lastAuth <- strings.Join(md.Get("authorization"), ","):
	default:
	}
	if err, ok := b.errs[req.GetNumber()]; ok {
		return nil, err
	}
	if a, ok := b.answers[req.GetNumber()]; ok {
		return a, nil
	}
	return &certificationv1.VerifyCertificateResponse{Reason: "CERTIFICATE_NOT_FOUND", Message: "no certificate has this number"}, nil
}

const validNumber = "TP-2026-AAAA-BBBB-C"

func newCertBackend() *certBackend {
	holder := &certificationv1.PublicCertificate{
		Number: validNumber, Kind: certificationv1.CertificateKind_CERTIFICATE_KIND_TITRE,
		HolderBirthName: "Durand", HolderGivenNames: []string{"Camille"},
		TitleId: "TP-00495", TitleVersion: "1", TitleLabel: "Développeur web et web mobile", TitleLevel: 5,
		Ccps:     []*certificationv1.CertifiedCcp{{Code: "CCP1", Label: "Développer la partie front-end", JuryDate: "2026-03-01"}},
		JuryDate: "2026-03-01", IssueDate: "2026-03-02",
	}
	return &certBackend{
		lastAuth: make(chan string, 1),
		answers: map[string]*certificationv1.VerifyCertificateResponse{
			validNumber:           {Valid: true, SignatureValid: true, Status: certificationv1.CertificateStatus_CERTIFICATE_STATUS_ISSUED, Certificate: holder},
			"TP-2026-RETI-RE00-X": {SignatureValid: true, Reason: "CERTIFICATE_NOT_IN_FORCE", Message: "the certificate is not in force", Certificate: holder},
			"TP-2026-WITH-DRAW-X": {SignatureValid: true, Reason: "CERTIFICATE_NOT_IN_FORCE", Message: "withdrawn", Certificate: holder,
				Status: certificationv1.CertificateStatus_CERTIFICATE_STATUS_WITHDRAWN, WithdrawnOn: "2026-05-02"},
			"TP-2026-ALTE-RE00-X": {Reason: "SIGNATURE_INVALID", Message: "altered"},
			"ABC":                 {Reason: "NUMBER_MALFORMED", Message: "mistyped"},
		},
		errs: map[string]error{
			"BOOM": errors.New("database exploded at /var/lib/secret.db"),
			"DOWN": apperr.New(apperr.KindUnavailable, "DB_DOWN", "database unavailable"),
		},
	}
}

// startCertBackend serves b and returns a connection to it.
func startCertBackend(t testing.TB, b *certBackend) *grpc.ClientConn {
	t.Helper()
	srv, _ := grpcx.NewServer(grpcx.ServerOptions{
		Domain:        "certification.titrepro",
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		PublicMethods: []string{certificationv1.CertificationService_VerifyCertificate_FullMethodName},
	})
	certificationv1.RegisterCertificationServiceServer(srv, b)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return dial(t, lis.Addr().String())
}

func dial(t testing.TB, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// newTestApp builds the application with cert as its certification
// service (nil: nothing listens) and serves it on a test server.
func newTestApp(t testing.TB, cfg Config, cert *grpc.ClientConn) (*App, *httptest.Server) {
	t.Helper()
	nowhere := dial(t, "127.0.0.1:1")
	if cert == nil {
		cert = nowhere
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv := httptest.NewUnstartedServer(nil)
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + srv.Listener.Addr().String()
	}
	app, err := New(cfg, Conns{Candidate: nowhere, Certification: cert, Assessment: nowhere, Portfolio: nowhere})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = app
	srv.Start()
	t.Cleanup(srv.Close)
	return app, srv
}

// browser is an HTTP client with cookies that does not follow redirects,
// so that each step of a round trip can be checked.
func browser(t testing.TB) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type page struct {
	status int
	header http.Header
	body   string
}

func get(t testing.TB, c *http.Client, u string) page {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return do(t, c, req)
}

func do(t testing.TB, c *http.Client, req *http.Request) page {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// follow GETs u and follows redirects (at most 10), returning the last page
// and the URL it came from.
func follow(t testing.TB, c *http.Client, u string) (page, string) {
	t.Helper()
	for range 10 {
		p := get(t, c, u)
		if p.status < 300 || p.status > 399 {
			return p, u
		}
		next, err := resolve(u, p.header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		u = next
	}
	t.Fatalf("more than 10 redirects from %s", u)
	return page{}, ""
}
