package portfolio_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/services/portfolio"
	"github.com/titrepro/titrepro/services/portfolio/internal/testdocs"
)

// A stored content changed on disk is never served as the document: the
// download fails with DATA_LOSS, reason BLOB_INTEGRITY. A small document
// fails before any byte is sent; a large one streams and fails before its
// last chunk.
func TestService_DamagedContentIsAnIntegrityErrorNotContent(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *portfolio.Config) { c.MaxDocumentBytes = 4 << 20 })
	e.seed(t)
	d := e.createDossier(t, &portfoliov1.Dossier{TitleId: "TP-00495"})

	pdf := testdocs.PDF()
	// A PDF of 3 MiB: comment lines between the header and the body.
	large := append(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("% padding line of a large scan\n"), (3<<20)/31)...), pdf[len("%PDF-1.4\n"):]...)
	for _, tt := range []struct {
		name    string
		content []byte
		atStart bool
	}{{"small", pdf, true}, {"large", large, false}} {
		up, err := e.upload(t, alice, d.GetId(), tt.name+".pdf", tt.content, 64<<10)
		require.NoError(t, err, tt.name)
		doc := up.GetDocument()
		path := filepath.Join(e.blobDir, "sha256", doc.GetSha256())
		damaged := bytes.Clone(tt.content)
		damaged[len(damaged)/2] ^= 0x01 // one bit flipped: same size
		require.NoError(t, os.WriteFile(path, damaged, 0o600))

		stream, err := e.client.DownloadDocument(t.Context(),
			&portfoliov1.DownloadDocumentRequest{DossierId: d.GetId(), DocumentId: doc.GetId()}, e.as(t, alice))
		require.NoError(t, err)
		var got []byte
		msgs := 0
		for {
			msg, err := stream.Recv()
			if err != nil {
				require.Equal(t, codes.DataLoss, status.Code(err), "%s: %v", tt.name, err)
				require.Equal(t, "BLOB_INTEGRITY", errorInfo(t, err).GetReason(), tt.name)
				break
			}
			msgs++
			got = append(got, msg.GetChunk()...)
		}
		if tt.atStart {
			require.Zero(t, msgs, "%s: nothing sent, not even the metadata", tt.name)
		} else {
			require.Less(t, len(got), len(tt.content), "%s: the last chunk is never sent", tt.name)
		}
	}
}
