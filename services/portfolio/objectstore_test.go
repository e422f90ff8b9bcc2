package portfolio_test

import (
	"bytes"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/s3test"
	"github.com/titrepro/titrepro/services/portfolio"
	"github.com/titrepro/titrepro/services/portfolio/internal/testdocs"
)

// With BLOB_URL=s3://… the documents live in a real S3 server (versitygw):
// an upload is stored under its SHA-256 in the bucket and reads back
// whole. When the server goes away, an upload fails, and
// titrepro_blob_errors_total counts the failed write.
func TestService_DocumentsInAnObjectStore(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	e := start(t, func(c *portfolio.Config) { c.BlobURL = srv.BlobURL })
	e.seed(t)
	d := e.createDossier(t, &portfoliov1.Dossier{TitleId: "TP-00495"})

	pdf := testdocs.PDF()
	up, err := e.upload(t, alice, d.GetId(), "preuve.pdf", pdf, 1000)
	require.NoError(t, err)
	doc := up.GetDocument()
	require.FileExists(t, srv.Dir+"/"+s3test.Bucket+"/sha256/"+doc.GetSha256(), "the content is an object of the bucket, under its hash")
	meta, got, err := e.download(t, alice, &portfoliov1.DownloadDocumentRequest{DossierId: d.GetId(), DocumentId: doc.GetId()})
	require.NoError(t, err)
	require.Equal(t, doc.GetSha256(), meta.GetSha256())
	require.True(t, bytes.Equal(pdf, got), "the document reads back whole")
	require.Zero(t, blobErrors(t, e.metrics, "write"), "no failure yet")

	srv.Stop()
	other := append(bytes.Clone(pdf), "\n% another scan\n"...)
	_, err = e.upload(t, alice, d.GetId(), "autre.pdf", other, 1000)
	require.Error(t, err, "an upload with the object store down")
	require.NotEqual(t, codes.OK, status.Code(err))
	require.GreaterOrEqual(t, blobErrors(t, e.metrics, "write"), 1.0, `titrepro_blob_errors_total{operation="write"}`)
}

// blobErrors returns titrepro_blob_errors_total{operation=op}.
func blobErrors(t testing.TB, reg prometheus.Gatherer, op string) float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != "titrepro_blob_errors_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "operation" && l.GetValue() == op {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}
