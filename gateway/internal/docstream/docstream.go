// Package docstream holds what the REST document routes (package gateway)
// and the web application (package gateway/web) both do with documents:
// stream an upload to the portfolio service in chunks, and name a file
// in a Content-Disposition header.
package docstream

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"google.golang.org/grpc"

	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// ChunkSize is the size of the chunks of the gRPC streams: the largest the
// services accept (their limit is per message) with room for the framing.
const ChunkSize = 64 << 10

// ErrBody marks a failure to read the content being uploaded (the client's
// body), as opposed to an answer of the service. The cause is wrapped too:
// errors.As finds an *http.MaxBytesError behind it.
var ErrBody = errors.New("request body")

// Send streams the metadata, then the content in chunks, and returns the
// service's answer. When the service answers early (a refusal), Send
// reports io.EOF: the rest of the content is not read, and CloseAndRecv
// returns the answer.
func Send(stream grpc.ClientStreamingClient[portfoliov1.UploadDocumentRequest, portfoliov1.UploadDocumentResponse],
	meta *portfoliov1.UploadDocumentMetadata, content io.Reader,
) (*portfoliov1.UploadDocumentResponse, error) {
	err := stream.Send(&portfoliov1.UploadDocumentRequest{Payload: &portfoliov1.UploadDocumentRequest_Metadata{Metadata: meta}})
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if err == nil {
		buf := make([]byte, ChunkSize)
		// Send marshals before it returns: one message and buffer serve
		// every chunk.
		chunk := &portfoliov1.UploadDocumentRequest_Chunk{}
		msg := &portfoliov1.UploadDocumentRequest{Payload: chunk}
		for {
			n, rerr := io.ReadFull(content, buf)
			if n > 0 {
				chunk.Chunk = buf[:n]
				if err := stream.Send(msg); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					return nil, err
				}
			}
			if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
				break
			}
			if rerr != nil {
				return nil, fmt.Errorf("%w: %w", ErrBody, rerr)
			}
		}
	}
	return stream.CloseAndRecv()
}

// Disposition is a Content-Disposition of kind ("inline" or "attachment")
// for a file name, as RFC 6266 recommends: an ASCII fallback in filename
// (other characters, quotes and backslashes replaced with "_") and the
// exact name, percent-encoded UTF-8, in filename* (RFC 5987). An empty or
// invalid name becomes "document".
func Disposition(kind, name string) string {
	if name == "" || !utf8.ValidString(name) {
		name = "document"
	}
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	var enc strings.Builder
	for _, c := range []byte(name) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("!#$&+-.^_`|~", c) >= 0:
			enc.WriteByte(c)
		default:
			fmt.Fprintf(&enc, "%%%02X", c)
		}
	}
	return kind + `; filename="` + fallback + `"; filename*=UTF-8''` + enc.String()
}
