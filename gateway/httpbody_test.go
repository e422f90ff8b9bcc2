package gateway

import (
	"bytes"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/api/httpbody"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

// TestDocumentMarshalerWritesTheDocument: a response whose REST body is an
// HttpBody (the PDF minutes) is written as the document with its type;
// every other message stays JSON.
func TestDocumentMarshalerWritesTheDocument(t *testing.T) {
	t.Parallel()
	m := &documentMarshaler{runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{}}}
	pdf := []byte("%PDF-1.3 …")
	resp := &assessmentv1.GetMinutesPdfResponse{Document: &httpbody.HttpBody{ContentType: "application/pdf", Data: pdf}}
	if got := m.ContentType(resp); got != "application/pdf" {
		t.Fatalf("ContentType(response with a document) = %q", got)
	}
	b, err := m.Marshal(resp.GetDocument())
	if err != nil || !bytes.Equal(b, pdf) {
		t.Fatalf("Marshal(document) = %q, %v", b, err)
	}
	if got := m.ContentType(&assessmentv1.GetMinutesResponse{}); got != "application/json" {
		t.Fatalf("ContentType(JSON message) = %q", got)
	}
	if got := m.ContentType(&assessmentv1.GetMinutesPdfResponse{}); got != "application/json" {
		t.Fatalf("ContentType(response without its document) = %q", got)
	}
}
