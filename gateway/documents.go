package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/titrepro/titrepro/gateway/internal/docstream"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// Routes of the document uploads and downloads. grpc-gateway cannot map a
// streaming body, so these two are plain net/http handlers in front of the
// portfolio service's UploadDocument and DownloadDocument streams. (A
// ServeMux wildcard must be a whole path segment, so the download is
// ".../{document_id}/content" rather than the custom-method form
// ".../{document_id}:download".)
const (
	UploadDocumentRoute   = "POST /v1/dossiers/{dossier_id}/documents"
	DownloadDocumentRoute = "GET /v1/dossiers/{dossier_id}/documents/{document_id}/content"
)

// DefaultMaxDocumentBytes is the upload limit when UploadLimits leaves it
// unset: the portfolio service's default per-file limit.
const DefaultMaxDocumentBytes = 25 << 20

// multipartOverhead is what a multipart body may hold besides the file:
// boundaries, part headers and a few small fields. The gateway reads at
// most the file limit plus this (security target S1).
const multipartOverhead = 64 << 10

// chunkSize is the size of the chunks of the gRPC streams.
const chunkSize = docstream.ChunkSize

// maxFieldBytes bounds the small multipart fields read before the file.
const maxFieldBytes = 1 << 10

// errorDomain is the ErrorInfo domain of the errors the gateway makes
// itself (bad upload bodies), as opposed to those of the services.
const errorDomain = "gateway.titrepro"

// UploadLimits bounds the uploads DocumentRoutes accepts.
type UploadLimits struct {
	// MaxDocumentBytes is the largest file accepted: set it to the
	// portfolio service's MAX_DOCUMENT_BYTES. 0 means
	// DefaultMaxDocumentBytes. A raw body over it, or a multipart body over
	// it plus 64 KiB, is cut while streaming and refused with 413; the
	// service enforces the exact per-file and per-dossier limits itself.
	MaxDocumentBytes int64
}

// DocumentRoutes returns the document routes, pattern → handler, for a
// net/http ServeMux (Go 1.22 patterns). They talk to the portfolio service
// over conn, forwarding the caller's Authorization and X-Request-Id
// headers as gRPC metadata, so that the service authenticates and
// authorises exactly as for gRPC calls.
//
// Upload: POST /v1/dossiers/{dossier_id}/documents?kind=ANNEX with either
//   - a raw body: the file itself, named by ?file_name= or by a
//     Content-Disposition header (filename or RFC 5987 filename*); its
//     Content-Type is ignored, the service finds the type from the content;
//   - a multipart/form-data body: the first part with a file name is the
//     file; "kind" and "file_name" form fields may precede it instead of
//     the query parameters.
//
// The body is streamed to the service in 64 KiB chunks, never held whole.
// The answer is the UploadDocumentResponse as JSON (proto field names).
//
// Download: GET /v1/dossiers/{dossier_id}/documents/{document_id}/content,
// optionally ?snapshot_id= to read the document of a snapshot. The content
// streams with the type the service found, Content-Disposition: attachment
// (RFC 6266 file name), X-Content-Type-Options: nosniff and a sandboxing
// Content-Security-Policy.
//
// Errors have the body of grpc-gateway's (a google.rpc.Status as JSON with
// proto field names) and its HTTP status for the gRPC code, except
// RESOURCE_EXHAUSTED, which is 413 Content Too Large here.
func DocumentRoutes(conn *grpc.ClientConn, limits UploadLimits) map[string]http.Handler {
	if limits.MaxDocumentBytes <= 0 {
		limits.MaxDocumentBytes = DefaultMaxDocumentBytes
	}
	client := portfoliov1.NewPortfolioServiceClient(conn)
	return map[string]http.Handler{
		UploadDocumentRoute:   &uploadHandler{client: client, limits: limits},
		DownloadDocumentRoute: &downloadHandler{client: client},
	}
}

// outgoing returns a context that carries the caller's credentials and
// request id to the service.
func outgoing(r *http.Request) context.Context {
	var pairs []string
	if v := r.Header.Get("Authorization"); v != "" {
		pairs = append(pairs, "authorization", v)
	}
	if v := r.Header.Get("X-Request-Id"); v != "" {
		pairs = append(pairs, "x-request-id", v)
	}
	return metadata.AppendToOutgoingContext(r.Context(), pairs...)
}

// echoRequestID returns the service's request id to the client.
func echoRequestID(w http.ResponseWriter, md metadata.MD) {
	if ids := md.Get("x-request-id"); len(ids) == 1 {
		w.Header().Set("X-Request-Id", ids[0])
	}
}

var jsonOptions = protojson.MarshalOptions{UseProtoNames: true}

// writeStatus renders a gRPC status the way grpc-gateway does, except
// RESOURCE_EXHAUSTED, which is 413 Content Too Large on these routes. (The
// edge sets the WWW-Authenticate challenge of a 401.)
func writeStatus(w http.ResponseWriter, st *status.Status) {
	code := runtime.HTTPStatusFromCode(st.Code())
	if st.Code() == codes.ResourceExhausted {
		code = http.StatusRequestEntityTooLarge
	}
	writeStatusCode(w, code, st)
}

// writeStatusCode renders st with the HTTP status code.
func writeStatusCode(w http.ResponseWriter, code int, st *status.Status) {
	body, err := jsonOptions.Marshal(st.Proto())
	if err != nil {
		code, body = http.StatusInternalServerError, []byte(`{"code": 13, "message": "failed to marshal error message"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Disposition")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, err error) { writeStatus(w, status.Convert(err)) }

// gatewayStatus is an error made by the gateway itself, with an ErrorInfo
// like the services' errors.
func gatewayStatus(code codes.Code, reason, msg string, meta map[string]string) *status.Status {
	st := status.New(code, msg)
	if withInfo, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: errorDomain, Metadata: meta}); err == nil {
		return withInfo
	}
	return st
}

func writeJSON(w http.ResponseWriter, m proto.Message) {
	body, err := jsonOptions.Marshal(m)
	if err != nil {
		writeError(w, status.Error(codes.Internal, "failed to marshal the response"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// --- upload

type uploadHandler struct {
	client portfoliov1.PortfolioServiceClient
	limits UploadLimits
}

func (h *uploadHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tooLarge := gatewayStatus(codes.ResourceExhausted, "DOCUMENT_TOO_LARGE",
		fmt.Sprintf("the document exceeds the size limit per file (%d bytes)", h.limits.MaxDocumentBytes),
		map[string]string{"max_bytes": strconv.FormatInt(h.limits.MaxDocumentBytes, 10)})
	multipartBody := isMultipart(r.Header.Get("Content-Type"))
	bodyLimit := h.limits.MaxDocumentBytes
	if multipartBody {
		bodyLimit += multipartOverhead
	}
	if r.ContentLength > bodyLimit {
		writeStatus(w, tooLarge)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, bodyLimit)

	meta := &portfoliov1.UploadDocumentMetadata{
		DossierId: r.PathValue("dossier_id"),
		FileName:  r.URL.Query().Get("file_name"),
		Kind:      parseKind(r.URL.Query().Get("kind")),
	}
	var content io.Reader = r.Body
	if multipartBody {
		part, err := firstFilePart(r, meta)
		if err != nil {
			writeBodyError(w, err, tooLarge)
			return
		}
		defer part.Close()
		content = part
	} else if meta.FileName == "" {
		meta.FileName = dispositionFileName(r.Header.Get("Content-Disposition"))
	}

	ctx, cancel := context.WithCancel(outgoing(r))
	defer cancel() // a refused or broken upload cancels the stream: the service stores nothing
	stream, err := h.client.UploadDocument(ctx)
	if err != nil {
		writeError(w, err)
		return
	}
	resp, err := docstream.Send(stream, meta, content)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || errors.Is(err, errBody) {
		// The body failed, not the service: cancel the stream before
		// anything else. The service may still be waiting for the next
		// chunk (a chunked body cut exactly at the limit has not gone
		// over the service's own limit yet), and waiting for its headers
		// here would hang both sides; cancelled, it removes what it wrote.
		cancel()
		writeBodyError(w, err, tooLarge)
		return
	}
	if md, herr := stream.Header(); herr == nil {
		echoRequestID(w, md)
	}
	switch {
	case err != nil:
		writeError(w, err)
	default:
		writeJSON(w, resp)
	}
}

// errBody marks a failure to read the request body, as opposed to an
// answer of the service.
var errBody = docstream.ErrBody

// writeBodyError answers an upload whose body failed: too large (413),
// too slow (408), or unreadable (400, without the parser's words).
func writeBodyError(w http.ResponseWriter, err error, tooLarge *status.Status) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeStatus(w, tooLarge)
	case errors.Is(err, os.ErrDeadlineExceeded):
		writeStatusCode(w, http.StatusRequestTimeout, bodyTooSlow)
	default:
		writeStatus(w, gatewayStatus(codes.InvalidArgument, "UPLOAD_BODY_INVALID",
			"the upload body cannot be read: send the file as the raw body, or as a multipart/form-data part with a file name", nil))
	}
}

func isMultipart(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "multipart/form-data"
}

// firstFilePart returns the first part of a multipart body that carries a
// file, reading the small "kind" and "file_name" fields met before it into
// meta (the query parameters win). It never buffers the file: the part is
// read as it arrives.
func firstFilePart(r *http.Request, meta *portfoliov1.UploadDocumentMetadata) (*multipart.Part, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBody, err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: no file part in the multipart body", errBody)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errBody, err)
		}
		if name := part.FileName(); name != "" {
			if meta.FileName == "" {
				meta.FileName = name
			}
			return part, nil
		}
		field := part.FormName()
		value, err := io.ReadAll(io.LimitReader(part, maxFieldBytes))
		_ = part.Close()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errBody, err)
		}
		switch field {
		case "kind":
			if meta.Kind == portfoliov1.DocumentKind_DOCUMENT_KIND_UNSPECIFIED {
				meta.Kind = parseKind(string(value))
			}
		case "file_name":
			if meta.FileName == "" {
				meta.FileName = string(value)
			}
		}
	}
}

// parseKind reads "ANNEX" or "DOCUMENT_KIND_ANNEX", in any case; anything
// else is UNSPECIFIED, which the service refuses with a clear message.
func parseKind(s string) portfoliov1.DocumentKind {
	s = strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(s, "DOCUMENT_KIND_") {
		s = "DOCUMENT_KIND_" + s
	}
	return portfoliov1.DocumentKind(portfoliov1.DocumentKind_value[s])
}

// dispositionFileName returns the file name of a Content-Disposition
// header; mime.ParseMediaType decodes RFC 2231 "filename*" values.
func dispositionFileName(header string) string {
	if header == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(header)
	if err != nil {
		return ""
	}
	return params["filename"]
}

// --- download

type downloadHandler struct {
	client portfoliov1.PortfolioServiceClient
}

func (h *downloadHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancel(outgoing(r))
	defer cancel()
	stream, err := h.client.DownloadDocument(ctx, &portfoliov1.DownloadDocumentRequest{
		DossierId:  r.PathValue("dossier_id"),
		DocumentId: r.PathValue("document_id"),
		SnapshotId: r.URL.Query().Get("snapshot_id"),
	})
	if err != nil {
		writeError(w, err)
		return
	}
	first, err := stream.Recv()
	if md, herr := stream.Header(); herr == nil {
		echoRequestID(w, md)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	doc := first.GetMetadata()
	if doc == nil {
		writeError(w, status.Error(codes.Internal, "the portfolio service sent no document metadata"))
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", doc.GetContentType())
	hdr.Set("Content-Length", strconv.FormatInt(doc.GetSizeBytes(), 10))
	hdr.Set("Content-Disposition", docstream.Disposition("attachment", doc.GetFileName()))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hdr.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			// The status line is sent: returning short of Content-Length
			// makes net/http close the connection, so the client sees a
			// truncated download rather than a complete-looking one.
			return
		}
		if _, err := w.Write(msg.GetChunk()); err != nil {
			return // the client went away; cancel stops the stream
		}
	}
}
