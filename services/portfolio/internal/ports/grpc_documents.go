package ports

import (
	"errors"
	"fmt"
	"io"

	"google.golang.org/grpc"

	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/command"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/query"
	"github.com/titrepro/titrepro/services/portfolio/internal/protoconv"
)

// MaxChunkSize is the largest chunk of an upload stream, and the size of
// the chunks of a download stream.
const MaxChunkSize = 64 << 10

var (
	errNoMetadata = apperr.New(apperr.KindInvalidArgument, "UPLOAD_METADATA_REQUIRED",
		"the first message of an upload must carry its metadata")
	errMetadataAgain = apperr.New(apperr.KindInvalidArgument, "UPLOAD_METADATA_REPEATED",
		"only the first message of an upload carries metadata")
	errChunkTooLarge = apperr.New(apperr.KindInvalidArgument, "UPLOAD_CHUNK_TOO_LARGE",
		fmt.Sprintf("upload chunks are at most %d bytes", MaxChunkSize))
)

// UploadDocument implements PortfolioServiceServer: it reads the metadata,
// then hands the chunks to the use case as a stream, never as a whole.
func (s *GRPCServer) UploadDocument(stream grpc.ClientStreamingServer[portfoliov1.UploadDocumentRequest, portfoliov1.UploadDocumentResponse]) error {
	first, err := stream.Recv()
	if errors.Is(err, io.EOF) {
		return errNoMetadata
	}
	if err != nil {
		return err
	}
	meta := first.GetMetadata()
	if meta == nil {
		return errNoMetadata
	}
	if err := ids("metadata.dossier_id", meta.GetDossierId()); err != nil {
		return err
	}
	ctx := stream.Context()
	d, doc, err := s.app.Commands.UploadDocument.Handle(ctx, command.UploadDocument{
		DossierID: meta.GetDossierId(),
		FileName:  meta.GetFileName(),
		Kind:      protoconv.KindFromProto(meta.GetKind()),
		Content:   &chunkReader{recv: stream.Recv},
	})
	if err != nil {
		return err
	}
	return stream.SendAndClose(&portfoliov1.UploadDocumentResponse{
		Document: protoconv.DocumentToProto(doc), DossierEtag: d.Etag(),
	})
}

// chunkReader reads the chunks of an upload stream as one byte stream.
type chunkReader struct {
	recv func() (*portfoliov1.UploadDocumentRequest, error)
	buf  []byte
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		msg, err := r.recv()
		if err != nil {
			return 0, err // io.EOF at the end of the stream
		}
		if msg.GetMetadata() != nil {
			return 0, errMetadataAgain
		}
		chunk := msg.GetChunk()
		if len(chunk) > MaxChunkSize {
			return 0, errChunkTooLarge
		}
		r.buf = chunk
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// DownloadDocument implements PortfolioServiceServer: the metadata, then
// the content in chunks of MaxChunkSize.
func (s *GRPCServer) DownloadDocument(req *portfoliov1.DownloadDocumentRequest, stream grpc.ServerStreamingServer[portfoliov1.DownloadDocumentResponse]) error {
	if err := ids("dossier_id", req.GetDossierId(), "document_id", req.GetDocumentId()); err != nil {
		return err
	}
	doc, content, err := s.app.Queries.DownloadDocument.Handle(stream.Context(), query.DownloadDocument{
		DossierID: req.GetDossierId(), DocumentID: req.GetDocumentId(), SnapshotID: req.GetSnapshotId(),
	})
	if err != nil {
		return err
	}
	defer content.Close()
	if err := stream.Send(&portfoliov1.DownloadDocumentResponse{
		Payload: &portfoliov1.DownloadDocumentResponse_Metadata{Metadata: protoconv.DocumentToProto(doc)},
	}); err != nil {
		return err
	}
	// Send marshals the message before it returns, so the buffer is reused.
	buf := make([]byte, MaxChunkSize)
	chunk := &portfoliov1.DownloadDocumentResponse_Chunk{}
	msg := &portfoliov1.DownloadDocumentResponse{Payload: chunk}
	for {
		n, rerr := io.ReadFull(content, buf)
		if n > 0 {
			chunk.Chunk = buf[:n]
			if err := stream.Send(msg); err != nil {
				return err
			}
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("download document %s: %w", doc.ID, rerr)
		}
	}
}
