package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/internal/natstest"
	"github.com/titrepro/titrepro/services/portfolio"
)

const docsWait = 20 * time.Second

var (
	docOwner    = auth.Principal{Subject: "alice@idp", Roles: []auth.Role{auth.RoleCandidate}}
	docStranger = auth.Principal{Subject: "bob@idp", Roles: []auth.Role{auth.RoleCandidate}}
	docJuror    = auth.Principal{Subject: "juror-1", Roles: []auth.Role{auth.RoleJuror}}
)

// samplePDF is a minimal well-formed PDF.
var samplePDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// sampleExe is the start of a Windows executable.
var sampleExe = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), make([]byte, 200)...)

// docEnv is a real portfolio service behind DocumentRoutes.
type docEnv struct {
	issuer  *auth.LocalIssuer
	js      jetstream.JetStream
	client  portfoliov1.PortfolioServiceClient
	srv     *httptest.Server
	blobDir string
	dossier string
}

// startDocs runs a portfolio service whose per-file limit is serviceMax,
// the document routes with gatewayMax in front of it, and creates the
// owner's dossier.
func startDocs(t testing.TB, serviceMax, gatewayMax int64) *docEnv {
	t.Helper()
	ns := natstest.RunJetStream(t)
	_, js := natstest.Connect(t, ns)                   // the test's, to publish events
	_, svcJS := natstest.ConnectAs(t, ns, "portfolio") // the service's own bus identity
	issuer, err := auth.LoadOrCreateLocalIssuer(t.TempDir(), "https://titrepro.test", "titrepro")
	require.NoError(t, err)
	verifier, err := auth.NewJWKSVerifier(issuer.VerifierOptions())
	require.NoError(t, err)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg, err := portfolio.LoadConfig(func(string) string { return "" })
	require.NoError(t, err)
	dir := t.TempDir()
	cfg.DatabaseURL = "sqlite://" + filepath.Join(dir, "portfolio.db")
	cfg.BlobURL = "file://" + filepath.Join(dir, "blobs")
	cfg.MaxDocumentBytes = serviceMax
	cfg.MaxDossierBytes, cfg.MaxDocuments = 1<<40, 1<<20 // only the per-file limit is under test
	cfg.ShutdownTimeout = 5 * time.Second
	svc, err := portfolio.New(context.Background(), cfg, portfolio.Deps{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Verifier: verifier, JetStream: svcJS, Listener: lis,
	})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(docsWait):
			t.Errorf("the portfolio service did not stop")
		}
	})
	conn, err := grpcx.Dial(svc.Addr())
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })

	mux := http.NewServeMux()
	for pattern, h := range DocumentRoutes(conn, UploadLimits{MaxDocumentBytes: gatewayMax}) {
		mux.Handle(pattern, h)
	}
	edge := newEdge(slog.New(slog.NewTextHandler(io.Discard, nil)), newHTTPMetrics(prometheus.NewRegistry()), Limits{}.WithDefaults(), mux)
	srv := httptest.NewServer(edge)
	t.Cleanup(srv.Close)

	e := &docEnv{issuer: issuer, js: js, client: portfoliov1.NewPortfolioServiceClient(conn), srv: srv, blobDir: filepath.Join(dir, "blobs")}
	e.seed(t)
	e.eventually(t, "the owner's dossier is created", func() error {
		resp, err := e.client.CreateDossier(context.Background(), &portfoliov1.CreateDossierRequest{
			Dossier: &portfoliov1.Dossier{TitleId: "TP-00495"},
		}, e.creds(t, docOwner))
		if err != nil {
			return err
		}
		e.dossier = resp.GetDossier().GetId()
		return nil
	})
	return e
}

func (e *docEnv) token(t testing.TB, p auth.Principal) string {
	t.Helper()
	token, err := e.issuer.Issue(p, time.Hour)
	require.NoError(t, err)
	return token
}

func (e *docEnv) creds(t testing.TB, p auth.Principal) grpc.CallOption {
	t.Helper()
	return grpc.PerRPCCredsCallOption{Creds: bearerCreds(e.token(t, p))}
}

type bearerCreds string

func (b bearerCreds) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}

func (bearerCreds) RequireTransportSecurity() bool { return false }

func (e *docEnv) eventually(t testing.TB, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(docsWait)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still failing after %s: %v", what, docsWait, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// publish sends another context's event as its outbox relay would.
func (e *docEnv) publish(t testing.TB, context_, subject string, m proto.Message) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, eventbus.EnsureStream(ctx, e.js, eventbus.ContextStream(context_)))
	data, err := proto.Marshal(m)
	require.NoError(t, err)
	id := uuid.NewString()
	msg := nats.NewMsg(subject)
	msg.Data = data
	msg.Header.Set(eventbus.HeaderSpecVersion, eventbus.SpecVersion)
	msg.Header.Set(eventbus.HeaderID, id)
	msg.Header.Set(eventbus.HeaderType, string(m.ProtoReflect().Descriptor().FullName()))
	msg.Header.Set(eventbus.HeaderSource, "titrepro/"+context_)
	msg.Header.Set(eventbus.HeaderTime, time.Now().UTC().Format(time.RFC3339Nano))
	msg.Header.Set(jetstream.MsgIDHeader, id)
	_, err = e.js.PublishMsg(ctx, msg)
	require.NoError(t, err)
}

func (e *docEnv) seed(t testing.TB) {
	t.Helper()
	e.publish(t, "candidate", "titrepro.candidate.v1.candidate_registered", &candidatev1.CandidateRegistered{
		Version: 1, Candidate: &candidatev1.Candidate{Id: "cand-alice", Subject: docOwner.Subject, BirthName: "Durand",
			GivenNames: []string{"Camille"}, AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_TRAINING},
	})
	e.publish(t, "certification", "titrepro.certification.v1.title_version_published", &certificationv1.TitleVersionPublished{
		Title: &certificationv1.Title{Id: "TP-00495", Version: "2008", Label: "TSGERI", PublishTime: timestamppb.Now(),
			Ccps: []*certificationv1.Ccp{{Code: "CCP1", Order: 1}}},
	})
	e.publish(t, "assessment", "titrepro.assessment.v1.session_planned", &assessmentv1.SessionPlanned{
		SessionId: "s1", CentreId: "C1", Type: assessmentv1.SessionType_SESSION_TYPE_TITRE, TitleId: "TP-00495", TitleVersion: "2008",
	})
	e.publish(t, "assessment", "titrepro.assessment.v1.juror_assigned", &assessmentv1.JurorAssigned{
		SessionId: "s1", JurorSubject: docJuror.Subject, OccurTime: timestamppb.Now(),
	})
	e.publish(t, "assessment", "titrepro.assessment.v1.candidacy_registered", &assessmentv1.CandidacyRegistered{
		SessionId: "s1", CandidacyId: "cy-1", CandidateId: "cand-alice",
	})
}

// do sends a request as p (no token when p has no subject).
func (e *docEnv) do(t testing.TB, p auth.Principal, method, path string, body io.Reader, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, e.srv.URL+path, body)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	if p.Subject != "" {
		req.Header.Set("Authorization", "Bearer "+e.token(t, p))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

func (e *docEnv) uploadPath(query url.Values) string {
	return "/v1/dossiers/" + e.dossier + "/documents?" + query.Encode()
}

// statusBody decodes a google.rpc.Status JSON body: its code and the
// reason of its ErrorInfo.
func statusBody(t *testing.T, resp *http.Response) (int, string) {
	t.Helper()
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var body struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Details []struct {
			Type   string `json:"@type"`
			Reason string `json:"reason"`
		} `json:"details"`
	}
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &body), "body %s", raw)
	for _, d := range body.Details {
		if strings.HasSuffix(d.Type, "google.rpc.ErrorInfo") {
			return body.Code, d.Reason
		}
	}
	return body.Code, ""
}

func uploaded(t testing.TB, resp *http.Response) *portfoliov1.UploadDocumentResponse {
	t.Helper()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", raw)
	var out portfoliov1.UploadDocumentResponse
	require.NoError(t, jsonUnmarshal(raw, &out))
	return &out
}

func jsonUnmarshal(raw []byte, m proto.Message) error {
	return protojson.Unmarshal(raw, m)
}

// blobFiles lists the files of the blob store.
func (e *docEnv) blobFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	require.NoError(t, filepath.WalkDir(e.blobDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	}))
	return files
}

func TestDocumentRoutes_RawUploadAndDownload(t *testing.T) {
	t.Parallel()
	e := startDocs(t, 1<<20, 1<<20)
	resp := e.do(t, docOwner, "POST", e.uploadPath(url.Values{"kind": {"evidence"}}), bytes.NewReader(samplePDF), http.Header{
		"Content-Type":        {"image/png"}, // ignored: the type comes from the content
		"Content-Disposition": {`attachment; filename*=UTF-8''relev%C3%A9%20%22final%22.pdf`},
		"X-Request-Id":        {"req-upload-1"},
	})
	require.Equal(t, "req-upload-1", resp.Header.Get("X-Request-Id"), "the service's request id is echoed")
	doc := uploaded(t, resp).GetDocument()
	require.Equal(t, "application/pdf", doc.GetContentType())
	require.Equal(t, `relevé "final".pdf`, doc.GetFileName())
	require.Equal(t, portfoliov1.DocumentKind_DOCUMENT_KIND_EVIDENCE, doc.GetKind())

	get := e.do(t, docOwner, "GET", "/v1/dossiers/"+e.dossier+"/documents/"+doc.GetId()+"/content", nil, nil)
	require.Equal(t, http.StatusOK, get.StatusCode)
	require.Equal(t, "application/pdf", get.Header.Get("Content-Type"))
	require.Equal(t, "nosniff", get.Header.Get("X-Content-Type-Options"))
	require.Equal(t, `attachment; filename="relev_ _final_.pdf"; filename*=UTF-8''relev%C3%A9%20%22final%22.pdf`,
		get.Header.Get("Content-Disposition"))
	require.Equal(t, strconv.Itoa(len(samplePDF)), get.Header.Get("Content-Length"))
	require.Contains(t, get.Header.Get("Content-Security-Policy"), "sandbox")
	body, err := io.ReadAll(get.Body)
	require.NoError(t, err)
	require.Equal(t, samplePDF, body)

	// Other callers.
	denied := e.do(t, docStranger, "GET", "/v1/dossiers/"+e.dossier+"/documents/"+doc.GetId()+"/content", nil, nil)
	require.Equal(t, http.StatusForbidden, denied.StatusCode)
	code, _ := statusBody(t, denied)
	require.Equal(t, 7, code)
	anonymous := e.do(t, auth.Principal{}, "GET", "/v1/dossiers/"+e.dossier+"/documents/"+doc.GetId()+"/content", nil, nil)
	require.Equal(t, http.StatusUnauthorized, anonymous.StatusCode)
	require.Equal(t, `Bearer realm="titrepro"`, anonymous.Header.Get("WWW-Authenticate"))
	missing := e.do(t, docOwner, "GET", "/v1/dossiers/"+e.dossier+"/documents/"+uuid.NewString()+"/content", nil, nil)
	require.Equal(t, http.StatusNotFound, missing.StatusCode)
}

func TestDocumentRoutes_StreamedMultipartUpload(t *testing.T) {
	t.Parallel()
	e := startDocs(t, 1<<20, 1<<20)
	var pngBuf bytes.Buffer
	require.NoError(t, png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 2, 2))))
	pngFile := pngBuf.Bytes()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		// Written while the request is sent: the body has no length and
		// arrives in pieces.
		_ = mw.WriteField("kind", "ILLUSTRATIVE")
		part, err := mw.CreateFormFile("file", "C:\\fakepath\\schema.pdf")
		if err == nil {
			_, err = part.Write(pngFile)
		}
		_ = pw.CloseWithError(errors.Join(err, mw.Close()))
	}()
	resp := e.do(t, docOwner, "POST", "/v1/dossiers/"+e.dossier+"/documents", pr, http.Header{"Content-Type": {mw.FormDataContentType()}})
	doc := uploaded(t, resp).GetDocument()
	require.Equal(t, "image/png", doc.GetContentType(), "a PNG named .pdf is a PNG")
	require.Equal(t, "schema.pdf", doc.GetFileName())
	require.Equal(t, portfoliov1.DocumentKind_DOCUMENT_KIND_ILLUSTRATIVE, doc.GetKind())

	// A multipart body without a file.
	var b bytes.Buffer
	mw = multipart.NewWriter(&b)
	require.NoError(t, mw.WriteField("kind", "ANNEX"))
	require.NoError(t, mw.Close())
	bad := e.do(t, docOwner, "POST", "/v1/dossiers/"+e.dossier+"/documents", &b, http.Header{"Content-Type": {mw.FormDataContentType()}})
	require.Equal(t, http.StatusBadRequest, bad.StatusCode)
	_, reason := statusBody(t, bad)
	require.Equal(t, "UPLOAD_BODY_INVALID", reason)
}

func TestDocumentRoutes_RefusalsStoreNothing(t *testing.T) {
	t.Parallel()
	// The gateway allows 128 KiB, the service 64 KiB: both limits answer 413.
	e := startDocs(t, 64<<10, 128<<10)
	over := func(n int) []byte {
		b := make([]byte, n)
		copy(b, "%PDF-1.4\n")
		return b
	}
	tests := []struct {
		name   string
		p      auth.Principal
		body   io.Reader
		query  url.Values
		status int
		reason string
	}{
		{"over the gateway limit, with a length", docOwner, bytes.NewReader(over(128<<10 + 1)), url.Values{"kind": {"ANNEX"}, "file_name": {"big.pdf"}},
			http.StatusRequestEntityTooLarge, "DOCUMENT_TOO_LARGE"},
		{"over the gateway limit, streamed without a length", docOwner, io.MultiReader(bytes.NewReader(over(64<<10)), bytes.NewReader(make([]byte, 64<<10+1))),
			url.Values{"kind": {"ANNEX"}, "file_name": {"big.pdf"}}, http.StatusRequestEntityTooLarge, "DOCUMENT_TOO_LARGE"},
		{"over the service limit", docOwner, bytes.NewReader(over(64<<10 + 1)), url.Values{"kind": {"ANNEX"}, "file_name": {"big.pdf"}},
			http.StatusRequestEntityTooLarge, "DOCUMENT_TOO_LARGE"},
		{"renamed executable", docOwner, bytes.NewReader(sampleExe), url.Values{"kind": {"ANNEX"}, "file_name": {"cv.pdf"}},
			http.StatusBadRequest, "DOCUMENT_TYPE_NOT_ALLOWED"},
		{"empty", docOwner, bytes.NewReader(nil), url.Values{"kind": {"ANNEX"}, "file_name": {"empty.pdf"}},
			http.StatusBadRequest, "DOCUMENT_EMPTY"},
		{"no kind", docOwner, bytes.NewReader(samplePDF), url.Values{"file_name": {"a.pdf"}},
			http.StatusBadRequest, "INVALID_ARGUMENT"},
		{"another candidate", docStranger, bytes.NewReader(samplePDF), url.Values{"kind": {"ANNEX"}, "file_name": {"a.pdf"}},
			http.StatusForbidden, "DOSSIER_ACCESS_DENIED"},
		{"no token", auth.Principal{}, bytes.NewReader(samplePDF), url.Values{"kind": {"ANNEX"}, "file_name": {"a.pdf"}},
			http.StatusUnauthorized, ""},
	}
	for _, tt := range tests {
		body := tt.body
		if strings.Contains(tt.name, "without a length") {
			body = io.NopCloser(body) // hides the length: chunked transfer
		}
		resp := e.do(t, tt.p, "POST", e.uploadPath(tt.query), body, nil)
		require.Equal(t, tt.status, resp.StatusCode, tt.name)
		_, reason := statusBody(t, resp)
		if tt.reason != "" {
			require.Equal(t, tt.reason, reason, tt.name)
		}
	}
	e.eventually(t, "nothing left in the blob store", func() error {
		if files := e.blobFiles(t); len(files) > 0 {
			return errors.New("files left: " + strings.Join(files, ", "))
		}
		return nil
	})
	got, err := e.client.GetDossier(context.Background(), &portfoliov1.GetDossierRequest{DossierId: e.dossier}, e.creds(t, docOwner))
	require.NoError(t, err)
	require.Empty(t, got.GetDossier().GetDocuments())
}

// A chunked body cut by the gateway exactly at the limit it shares with
// the service: the service, which has not gone over yet, waits for more
// while the gateway answers. The gateway must cancel the stream, not wait
// for the service's headers (this used to hang until the drain timeout).
func TestDocumentRoutes_ChunkedUploadOverTheSharedLimitIsAnsweredAtOnce(t *testing.T) {
	t.Parallel()
	e := startDocs(t, 64<<10, 64<<10)
	body := io.MultiReader(bytes.NewReader([]byte("%PDF-1.4\n")), bytes.NewReader(make([]byte, 256<<10)))
	done := make(chan *http.Response, 1)
	go func() {
		done <- e.do(t, docOwner, "POST", e.uploadPath(url.Values{"kind": {"ANNEX"}, "file_name": {"big.pdf"}}), io.NopCloser(body), nil)
	}()
	var resp *http.Response
	select {
	case resp = <-done:
	case <-time.After(docsWait):
		t.Fatal("no answer to a chunked upload over the limit")
	}
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	_, reason := statusBody(t, resp)
	require.Equal(t, "DOCUMENT_TOO_LARGE", reason)
	e.eventually(t, "nothing left in the blob store", func() error {
		if files := e.blobFiles(t); len(files) > 0 {
			return errors.New("files left: " + strings.Join(files, ", "))
		}
		return nil
	})
}

func TestDocumentRoutes_JurorDownloadsTheSnapshotCopy(t *testing.T) {
	t.Parallel()
	e := startDocs(t, 1<<20, 1<<20)
	doc := uploaded(t, e.do(t, docOwner, "POST", e.uploadPath(url.Values{"kind": {"ANNEX"}, "file_name": {"annexe.pdf"}}),
		bytes.NewReader(samplePDF), nil)).GetDocument()
	ctx := context.Background()
	d := &portfoliov1.Dossier{
		Id: e.dossier, Etag: "2",
		Examples: []*portfoliov1.PracticeExample{{CcpCode: "CCP1", Title: "Sauvegardes", Tasks: "t", Means: "m", Collaborators: "c",
			Context: &portfoliov1.PracticeContext{Organisation: "o", Unit: "u", PeriodFrom: "2024-01-01", PeriodTo: "2024-02-01"}}},
		SwornStatement: &portfoliov1.SwornStatement{SignerName: "Camille Durand", Place: "Lyon", Date: "2026-01-10"},
	}
	_, err := e.client.UpdateDossier(ctx, &portfoliov1.UpdateDossierRequest{Dossier: d,
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"examples", "sworn_statement"}}}, e.creds(t, docOwner))
	require.NoError(t, err)
	var snapshotID string
	e.eventually(t, "submission once the session is known", func() error {
		resp, err := e.client.SubmitDossier(ctx, &portfoliov1.SubmitDossierRequest{DossierId: e.dossier, SessionId: "s1"}, e.creds(t, docOwner))
		if err != nil {
			return err
		}
		snapshotID = resp.GetSnapshot().GetId()
		return nil
	})
	path := "/v1/dossiers/" + e.dossier + "/documents/" + doc.GetId() + "/content?snapshot_id=" + snapshotID
	e.eventually(t, "the juror's assignment reaches the service", func() error {
		resp := e.do(t, docJuror, "GET", path, nil, nil)
		if resp.StatusCode != http.StatusOK {
			return errors.New("status " + resp.Status)
		}
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, samplePDF, body)
		return nil
	})
	// Without snapshot_id the juror still reaches it through the snapshot,
	// but not a document added to the draft after the submission.
	same := e.do(t, docJuror, "GET", "/v1/dossiers/"+e.dossier+"/documents/"+doc.GetId()+"/content", nil, nil)
	require.Equal(t, http.StatusOK, same.StatusCode)
	later := uploaded(t, e.do(t, docOwner, "POST", e.uploadPath(url.Values{"kind": {"ANNEX"}, "file_name": {"later.pdf"}}),
		bytes.NewReader(append([]byte("%PDF-1.7\n"), samplePDF[9:]...)), nil)).GetDocument()
	draftOnly := e.do(t, docJuror, "GET", "/v1/dossiers/"+e.dossier+"/documents/"+later.GetId()+"/content", nil, nil)
	require.Equal(t, http.StatusForbidden, draftOnly.StatusCode, "a juror never reads the draft")
}

func TestParseKind(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]portfoliov1.DocumentKind{
		"ANNEX":                      portfoliov1.DocumentKind_DOCUMENT_KIND_ANNEX,
		"evidence":                   portfoliov1.DocumentKind_DOCUMENT_KIND_EVIDENCE,
		"DOCUMENT_KIND_ILLUSTRATIVE": portfoliov1.DocumentKind_DOCUMENT_KIND_ILLUSTRATIVE,
		"":                           portfoliov1.DocumentKind_DOCUMENT_KIND_UNSPECIFIED,
		"pdf":                        portfoliov1.DocumentKind_DOCUMENT_KIND_UNSPECIFIED,
	} {
		if got := parseKind(in); got != want {
			t.Errorf("parseKind(%q) = %v; want %v", in, got, want)
		}
	}
}

// BenchmarkRESTUpload streams a 64 MiB PDF as a raw body through
// DocumentRoutes to the portfolio service (gRPC client streaming) and its
// file blob store, all on loopback in one process. It reports throughput
// and allocations (target P3 is for 1 GiB on the deployment hardware): a
// measurement, not a pass/fail test.
func BenchmarkRESTUpload(b *testing.B) {
	const size = 64 << 20
	e := startDocs(b, size, size)
	token := e.token(b, docOwner)
	b.SetBytes(size)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body := io.MultiReader(
			strings.NewReader(fmt.Sprintf("%%PDF-1.4\n%%%08d\n", i)), // a new content, hence a new blob, per iteration
			io.LimitReader(zeros{}, int64(size-len("%PDF-1.4\n%00000000\n")-len("\n%%EOF\n"))),
			strings.NewReader("\n%%EOF\n"),
		)
		req, err := http.NewRequest("POST", e.srv.URL+"/v1/dossiers/"+e.dossier+"/documents?kind=ANNEX&file_name=big.pdf", body)
		if err != nil {
			b.Fatal(err)
		}
		req.ContentLength = size
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("upload: %s %s", resp.Status, raw)
		}
	}
}

// zeros is an endless source of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
