// Package gateway is titrepro's HTTP edge: grpc-gateway v2 translating
// REST/JSON to the services' gRPC APIs, plus the OpenAPI document, its docs
// page, health, readiness and metrics endpoints, and the web application
// (package gateway/web) at "/".
//
// The gateway holds no business rule and does not decide who may do what: it
// forwards the caller's Authorization header, and every service verifies the
// token again and applies its own resource rules (defence in depth). It talks
// to the services over real gRPC connections (RegisterXxxHandler with a
// client connection), never by calling their implementations in-process, so
// that every interceptor — auth, errors, logging — runs for REST calls
// exactly as for gRPC calls. (The all-in-one gives it a dialer that connects
// in memory to the services' gRPC servers: still their transport and
// interceptors, without the loopback sockets.)
package gateway

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	// The services put ErrorInfo, BadRequest and PreconditionFailure in their
	// statuses; the gateway must know these types to render them as JSON.
	_ "google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/titrepro/titrepro/gateway/internal/openapi"
	"github.com/titrepro/titrepro/gateway/web"
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/telemetry"
)

// Options configures the gateway.
type Options struct {
	// gRPC addresses of the services: host:port, a grpc-go target, or a
	// comma-separated list of host:port, balanced round robin (the
	// replicas of a service, without a load balancer in front).
	CandidateAddr     string
	CertificationAddr string
	AssessmentAddr    string
	PortfolioAddr     string
	// Uploads bounds REST document uploads; the portfolio service enforces
	// its own limits too.
	Uploads UploadLimits
	// Limits bound every other request and the connections (LoadLimits);
	// zero fields take their defaults.
	Limits Limits
	// Logger receives one line per request; nil means slog.Default().
	Logger *slog.Logger
	// Registry collects the gateway's metrics and is served on /metrics; nil
	// means a new registry with the Go and process collectors.
	Registry *prometheus.Registry
	// Extra routes mounted beside the API, e.g. the local token issuer's
	// /.well-known/ documents in the all-in-one server.
	Extra map[string]http.Handler
	// DialOptions replace the default (plaintext on loopback) dial options.
	DialOptions []grpc.DialOption
	// ServicesTLS, when not nil, dials the services over TLS with it
	// (grpcx.ClientTLS: their authority and the gateway's client
	// certificate), whatever DialOptions say about transport.
	ServicesTLS *tls.Config
	// Web configures the web application served at "/"; its zero value
	// serves the public pages with login switched off.
	Web web.Config
}

// Gateway is the REST edge. Close releases its gRPC connections.
type Gateway struct {
	handler  http.Handler
	backends []backend
	limits   Limits
}

type backend struct {
	name string
	conn *grpc.ClientConn
}

// New dials the services and builds the HTTP handler. Dialing is lazy: a
// service that is not up yet makes /readyz fail, not New.
func New(ctx context.Context, opts Options) (*Gateway, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	reg := opts.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	}
	dial := opts.DialOptions
	if dial == nil {
		dial = []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
	}
	if opts.ServicesTLS != nil { // the last transport option wins
		dial = append(slices.Clip(dial), grpcx.TransportCredentials(opts.ServicesTLS))
	}
	// The request's trace continues in the services: traceparent metadata,
	// and a client span per call when tracing is on.
	dial = append(dial[:len(dial):len(dial)], grpcx.TracingDialOptions()...)

	muxOptions := []runtime.ServeMuxOption{
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &documentMarshaler{runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{
			MarshalOptions:   protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: false},
			UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
		}}}),
		runtime.WithIncomingHeaderMatcher(incomingHeaders),
		runtime.WithOutgoingHeaderMatcher(outgoingHeaders),
		runtime.WithOutgoingTrailerMatcher(func(string) (string, bool) { return "", false }),
		runtime.WithErrorHandler(logUnavailable(log, errorHandler)),
		runtime.WithMiddlewares(nameSpanByRoute),
	}
	// Each service's routes on a mux of their own and all of them on mux
	// (byService).
	mux := runtime.NewServeMux(muxOptions...)
	owners, err := segmentOwners(openapi.Document())
	if err != nil {
		return nil, err
	}
	api := byService{owner: map[string]http.Handler{}, all: mux}
	limits := opts.Limits.WithDefaults()
	g := &Gateway{}
	for _, svc := range []struct {
		name     string
		addr     string
		register func(context.Context, *runtime.ServeMux, *grpc.ClientConn) error
	}{
		{"candidate", opts.CandidateAddr, candidatev1.RegisterCandidateServiceHandler},
		{"certification", opts.CertificationAddr, certificationv1.RegisterCertificationServiceHandler},
		{"assessment", opts.AssessmentAddr, assessmentv1.RegisterAssessmentServiceHandler},
		{"portfolio", opts.PortfolioAddr, portfoliov1.RegisterPortfolioServiceHandler},
	} {
		if svc.addr == "" {
			g.Close()
			return nil, fmt.Errorf("gateway: no address for the %s service", svc.name)
		}
		to, extra := target(svc.name, svc.addr)
		conn, err := grpc.NewClient(to, append(slices.Clip(dial), extra...)...)
		if err != nil {
			g.Close()
			return nil, fmt.Errorf("gateway: dial %s at %s: %w", svc.name, svc.addr, err)
		}
		g.backends = append(g.backends, backend{name: svc.name, conn: conn})
		own := runtime.NewServeMux(muxOptions...)
		for _, m := range []*runtime.ServeMux{mux, own} {
			if err := svc.register(ctx, m, conn); err != nil {
				g.Close()
				return nil, fmt.Errorf("gateway: register %s: %w", svc.name, err)
			}
		}
		for seg, name := range owners {
			if name == svc.name {
				api.owner[seg] = own
			}
		}
	}

	docs, err := openapi.DocsHandler()
	if err != nil {
		g.Close()
		return nil, err
	}
	root := http.NewServeMux()
	root.Handle("GET /openapi.json", openapi.Handler())
	root.Handle("GET /docs", docs)
	root.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { writePlain(w, http.StatusOK, "ok") })
	root.HandleFunc("GET /readyz", g.readyz)
	root.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	// Document uploads and downloads stream through handlers of their own:
	// grpc-gateway cannot stream a request body into a client stream.
	// The upload route bounds its body itself (the document size limit);
	// every other route gets limits.MaxBodyBytes.
	for pattern, h := range DocumentRoutes(g.backend("portfolio"), opts.Uploads) {
		if pattern != UploadDocumentRoute {
			h = limitBody(limits.MaxBodyBytes, h)
		}
		root.Handle(pattern, h)
	}
	for pattern, h := range opts.Extra {
		root.Handle(pattern, limitBody(limits.MaxBodyBytes, h))
	}
	root.Handle("/v1/", limitBody(limits.MaxBodyBytes, api))
	root.Handle("GET /v1/credentials/status/{purpose}", statusListCache(api))
	root.Handle("GET /v1/certificates/{number}/credentials/{credential}", credentialDownload(api))
	root.Handle("GET "+CertificateKeysPath, certificateKeys(mux))
	root.Handle("GET "+IssuerDIDPath, issuerDID(mux))
	root.HandleFunc("GET "+EventDescriptorsPath, eventDescriptors)
	if opts.Web.Logger == nil {
		opts.Web.Logger = log
	}
	if opts.Web.MaxUploadBytes == 0 {
		opts.Web.MaxUploadBytes = opts.Uploads.MaxDocumentBytes
	}
	app, err := web.New(opts.Web, web.Conns{
		Candidate: g.backend("candidate"), Certification: g.backend("certification"),
		Assessment: g.backend("assessment"), Portfolio: g.backend("portfolio"),
	})
	if err != nil {
		g.Close()
		return nil, err
	}
	// Everything the API does not route is the web application's. Its
	// document upload bounds its body itself (the document size limit),
	// as the REST upload does.
	root.Handle(web.CandidateUploadRoute, app)
	root.Handle("/", limitBody(limits.MaxBodyBytes, app))
	g.handler = traced(newEdge(log, newHTTPMetrics(reg), limits, root))
	g.limits = limits
	return g, nil
}

func (g *Gateway) backend(name string) *grpc.ClientConn {
	for _, b := range g.backends {
		if b.name == name {
			return b.conn
		}
	}
	return nil
}

// ServeHTTP implements http.Handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) { g.handler.ServeHTTP(w, r) }

// Close closes the connections to the services.
func (g *Gateway) Close() {
	for _, b := range g.backends {
		_ = b.conn.Close()
	}
}

// readyz reports ready when every service answers its gRPC health check
// within a second; the body names the services that do not.
func (g *Gateway) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	var down []string
	for _, b := range g.backends {
		resp, err := healthpb.NewHealthClient(b.conn).Check(ctx, &healthpb.HealthCheckRequest{})
		if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			down = append(down, b.name)
		}
	}
	if len(down) > 0 {
		writePlain(w, http.StatusServiceUnavailable, "not ready: "+strings.Join(down, ", "))
		return
	}
	writePlain(w, http.StatusOK, "ready")
}

// incomingHeaders forwards the request id and nothing else: grpc-gateway
// always forwards Authorization as "authorization" and sets
// x-forwarded-for and x-forwarded-host itself, and the trace context goes
// as traceparent metadata from the request's context (TracingDialOptions).
// Its default matcher would also send the "permanent" HTTP headers
// (User-Agent, Accept, Cookie, Referer…) as grpcgateway-* metadata, which
// no service reads: a browser's session cookie has no business in a
// service's metadata, and each header is encoded, sent, decoded and copied
// on every call.
func incomingHeaders(key string) (string, bool) {
	if textproto.CanonicalMIMEHeaderKey(key) == "X-Request-Id" {
		return "x-request-id", true
	}
	return "", false
}

// outgoingHeaders returns the services' request id to REST clients as
// X-Request-Id, so a client can quote it when reporting a problem. No
// other gRPC metadata reaches clients: it is internal.
func outgoingHeaders(key string) (string, bool) {
	if key == "x-request-id" {
		return "X-Request-Id", true
	}
	return "", false
}

func writePlain(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(body + "\n"))
}

// NewServer returns the HTTP server for the gateway on addr, with the
// connection limits of the gateway's Limits: header size and time, and
// idle keep-alive time. Bodies and answers are paced per request (see
// Limits.BodyTimeout), so ReadTimeout and WriteTimeout stay unset: one
// server-wide value would cut off large uploads on slow lines.
func (g *Gateway) NewServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           g,
		ReadHeaderTimeout: g.limits.ReadHeaderTimeout,
		IdleTimeout:       g.limits.IdleTimeout,
		MaxHeaderBytes:    g.limits.MaxHeaderBytes,
	}
}

// ErrServerClosed is returned by Serve after a graceful shutdown.
var ErrServerClosed = http.ErrServerClosed

// Serve runs an HTTP server for h until ctx is done, then shuts it down,
// letting requests in flight finish within drain. With srv.TLSConfig set
// it serves HTTPS.
func Serve(ctx context.Context, srv *http.Server, drain time.Duration) error {
	errc := make(chan error, 1)
	go func() {
		if srv.TLSConfig != nil { // its GetCertificate or Certificates serve
			errc <- srv.ListenAndServeTLS("", "")
			return
		}
		errc <- srv.ListenAndServe()
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("gateway: shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// nameSpanByRoute names the request's span after its route, e.g. "GET
// /v1/candidates/{candidate_id=*}", which only grpc-gateway knows: the
// outer span only knows the method, and the path holds ids.
func nameSpanByRoute(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		if span := trace.SpanFromContext(r.Context()); span.IsRecording() {
			if pattern, ok := runtime.HTTPPattern(r.Context()); ok {
				span.SetName(r.Method + " " + pattern.String())
			}
		}
		next(w, r, params)
	}
}

// traced continues the caller's W3C trace around everything else, so that
// the request log line carries its trace id. When tracing is on
// (telemetry.Active, when the gateway is built) it opens a server span per
// request (otelhttp), except for probes and metrics scrapes, which would
// drown the traces; otherwise it only reads the traceparent header.
func traced(h http.Handler) http.Handler {
	if !telemetry.Active() {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Traceparent") != "" {
				r = r.WithContext(traceContext.Extract(r.Context(), propagation.HeaderCarrier(r.Header)))
			}
			h.ServeHTTP(w, r)
		})
	}
	return otelhttp.NewHandler(h, "gateway",
		otelhttp.WithPropagators(traceContext),
		otelhttp.WithFilter(func(r *http.Request) bool {
			switch r.URL.Path {
			case "/healthz", "/readyz", "/metrics":
				return false
			}
			return true
		}),
	)
}

var traceContext = propagation.TraceContext{}
