package portfolio_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/portfolio"
	"github.com/titrepro/titrepro/services/portfolio/internal/testdocs"
)

func example(ccp string) *portfoliov1.PracticeExample {
	return &portfoliov1.PracticeExample{
		CcpCode: ccp, Title: "Exemple " + ccp, Tasks: "Sauvegardes nocturnes", Means: "Bacula", Collaborators: "Deux techniciens",
		Context: &portfoliov1.PracticeContext{Organisation: "ACME", Unit: "Exploitation", PeriodFrom: "2023-01-01", PeriodTo: "2024-06-30"},
	}
}

// blobFiles lists the files under the blob folder.
func (e *env) blobFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(e.blobDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(e.blobDir, p)
			files = append(files, rel)
		}
		return nil
	})
	require.NoError(t, err)
	return files
}

func TestService_DossierLifecycle(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *portfolio.Config) { c.MaxDocumentBytes = 1 << 20 })
	e.seed(t)
	ctx := context.Background()

	d := e.createDossier(t, &portfoliov1.Dossier{TitleId: "TP-00495", TitleVersion: "2008",
		Examples: []*portfoliov1.PracticeExample{example("CCP1")}})
	require.Equal(t, "cand-alice", d.GetCandidateId())
	require.Equal(t, "1", d.GetEtag())
	require.Equal(t, portfoliov1.AccessMode_ACCESS_MODE_VAE, d.GetCover().GetAccessMode(), "R42: from the candidate record")
	require.Equal(t, "Durand", d.GetCover().GetBirthName())
	require.Equal(t, "ex1", d.GetExamples()[0].GetId())

	// Incomplete: refused with the rules and fields.
	eventually(t, "the session and the candidacy reach the projections", func() error {
		_, err := e.client.SubmitDossier(ctx, &portfoliov1.SubmitDossierRequest{DossierId: d.GetId(), SessionId: "s1"}, e.as(t, alice))
		if status.Code(err) == codes.FailedPrecondition && (errorInfo(t, err).GetReason() == "SESSION_UNKNOWN" || errorInfo(t, err).GetReason() == "CANDIDACY_UNKNOWN") {
			return err
		}
		return nil
	})
	_, err := e.client.SubmitDossier(ctx, &portfoliov1.SubmitDossierRequest{DossierId: d.GetId(), SessionId: "s1"}, e.as(t, alice))
	require.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
	info := errorInfo(t, err)
	require.Equal(t, "DOSSIER_INCOMPLETE", info.GetReason())
	require.Equal(t, "R35", info.GetMetadata()["rule"])
	var fields []string
	for _, det := range status.Convert(err).Details() {
		if br, ok := det.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	require.Contains(t, fields, "examples")
	require.Contains(t, fields, "sworn_statement.signer_name")
	// validate_only refuses exactly as a submission does.
	_, checked := e.client.SubmitDossier(ctx, &portfoliov1.SubmitDossierRequest{DossierId: d.GetId(), SessionId: "s1", ValidateOnly: true}, e.as(t, alice))
	require.Equal(t, codes.FailedPrecondition, status.Code(checked), "%v", checked)
	require.Equal(t, "DOSSIER_INCOMPLETE", errorInfo(t, checked).GetReason())

	// Complete it.
	d.Examples = append(d.Examples, example("CCP2"), example("CCP3"))
	d.SwornStatement = &portfoliov1.SwornStatement{SignerName: "Camille Durand", Place: "Lyon", Date: "2026-01-15"}
	upd, err := e.client.UpdateDossier(ctx, &portfoliov1.UpdateDossierRequest{Dossier: d,
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"examples", "sworn_statement"}}}, e.as(t, alice))
	require.NoError(t, err)
	require.Equal(t, "2", upd.GetDossier().GetEtag())
	require.NotNil(t, upd.GetDossier().GetSwornStatement().GetSignTime())
	_, err = e.client.UpdateDossier(ctx, &portfoliov1.UpdateDossierRequest{Dossier: d,
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"examples"}}}, e.as(t, alice))
	require.Equal(t, codes.Aborted, status.Code(err), "stale etag: %v", err)

	// Documents through the client stream.
	pdf := testdocs.PDF()
	up, err := e.upload(t, alice, d.GetId(), "../attestation.pdf", pdf, 7)
	require.NoError(t, err)
	doc := up.GetDocument()
	sum := sha256.Sum256(pdf)
	require.Equal(t, "application/pdf", doc.GetContentType())
	require.Equal(t, "attestation.pdf", doc.GetFileName())
	require.Equal(t, hex.EncodeToString(sum[:]), doc.GetSha256())
	require.Equal(t, "3", up.GetDossierEtag())
	require.Equal(t, []string{"sha256/" + doc.GetSha256()}, e.blobFiles(t))

	// validate_only on the complete dossier: it could be submitted, and
	// nothing is stored (no snapshot, so the request id stays free).
	check, err := e.client.SubmitDossier(ctx, &portfoliov1.SubmitDossierRequest{
		DossierId: d.GetId(), SessionId: "s1", CandidacyId: "cy-1", RequestId: "5b0e7c2e-7f77-4f55-9b0a-1d3e9a0c4b11", ValidateOnly: true,
	}, e.as(t, alice))
	require.NoError(t, err)
	require.Nil(t, check.GetSnapshot(), "validate_only makes no snapshot")
	none, err := e.client.ListSnapshots(ctx, &portfoliov1.ListSnapshotsRequest{DossierId: d.GetId()}, e.as(t, alice))
	require.NoError(t, err)
	require.Empty(t, none.GetSnapshots(), "validate_only stores nothing")

	snap, err := e.client.SubmitDossier(ctx, &portfoliov1.SubmitDossierRequest{
		DossierId: d.GetId(), SessionId: "s1", CandidacyId: "cy-1", RequestId: "5b0e7c2e-7f77-4f55-9b0a-1d3e9a0c4b11",
	}, e.as(t, alice))
	require.NoError(t, err)
	s := snap.GetSnapshot()
	require.Len(t, s.GetManifestHash(), 64)
	require.Len(t, s.GetContent().GetDocuments(), 1)

	// DossierSubmitted, with CloudEvents headers, on the portfolio stream.
	var ev portfoliov1.DossierSubmitted
	eventually(t, "DossierSubmitted on TITREPRO_PORTFOLIO", func() error {
		st, err := e.js.Stream(ctx, "TITREPRO_PORTFOLIO")
		if err != nil {
			return err
		}
		m, err := st.GetLastMsgForSubject(ctx, "titrepro.portfolio.v1.dossier_submitted")
		if err != nil {
			return err
		}
		require.Equal(t, "titrepro.portfolio.v1.DossierSubmitted", m.Header.Get("ce-type"))
		require.Equal(t, "titrepro/portfolio", m.Header.Get("ce-source"))
		require.Equal(t, m.Header.Get("ce-id"), m.Header.Get("Nats-Msg-Id"))
		return proto.Unmarshal(m.Data, &ev)
	})
	require.Equal(t, s.GetId(), ev.GetSnapshotId())
	require.Equal(t, "s1", ev.GetSessionId())
	require.Equal(t, "cy-1", ev.GetCandidacyId())
	require.Equal(t, "cand-alice", ev.GetCandidateId())
	require.Equal(t, s.GetManifestHash(), ev.GetManifestHash())
	require.Equal(t, "2026-01-15", ev.GetSwornStatementDate())

	// R41: the draft moves on, the snapshot does not.
	_, err = e.client.DeleteDocument(ctx, &portfoliov1.DeleteDocumentRequest{DossierId: d.GetId(), DocumentId: doc.GetId()}, e.as(t, alice))
	require.NoError(t, err)

	// The jury reads the snapshot and its document by the document route.
	got, err := e.client.GetSnapshot(ctx, &portfoliov1.GetSnapshotRequest{DossierId: d.GetId(), SnapshotId: s.GetId()}, e.as(t, juror1))
	require.NoError(t, err)
	require.True(t, proto.Equal(s, got.GetSnapshot()))
	for _, tc := range []struct {
		name string
		p    auth.Principal
	}{{"a juror of the session", juror1}, {"the organising centre", centre1}, {"the ministry", ministry}, {"the owner", alice}} {
		meta, content, err := e.download(t, tc.p, &portfoliov1.DownloadDocumentRequest{DossierId: d.GetId(), DocumentId: doc.GetId()})
		require.NoError(t, err, tc.name)
		require.Equal(t, doc.GetSha256(), meta.GetSha256(), tc.name)
		require.Equal(t, pdf, content, tc.name)
	}
	_, _, err = e.download(t, juror2, &portfoliov1.DownloadDocumentRequest{DossierId: d.GetId(), DocumentId: doc.GetId()})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "a juror of no session: %v", err)
	_, _, err = e.download(t, bob, &portfoliov1.DownloadDocumentRequest{DossierId: d.GetId(), DocumentId: doc.GetId(), SnapshotId: s.GetId()})
	require.Equal(t, codes.PermissionDenied, status.Code(err), "another candidate: %v", err)
	_, err = e.client.GetDossier(ctx, &portfoliov1.GetDossierRequest{DossierId: d.GetId()}, e.as(t, centre1))
	require.Equal(t, codes.PermissionDenied, status.Code(err), "a centre never reads the draft: %v", err)
	list, err := e.client.ListSnapshots(ctx, &portfoliov1.ListSnapshotsRequest{DossierId: "-", SessionId: "s1"}, e.as(t, centre1))
	require.NoError(t, err)
	require.Len(t, list.GetSnapshots(), 1)
	all, err := e.client.ListDossiers(ctx, &portfoliov1.ListDossiersRequest{}, e.as(t, ministry))
	require.NoError(t, err)
	require.Len(t, all.GetDossiers(), 1)
	require.Empty(t, all.GetDossiers()[0].GetDocuments(), "the draft lost the document")
}

func TestService_RefusedUploadsStoreNothing(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *portfolio.Config) { c.MaxDocumentBytes = 256 << 10 })
	e.seed(t)
	d := e.createDossier(t, &portfoliov1.Dossier{TitleId: "TP-00495"})

	big := make([]byte, 256<<10+1)
	copy(big, "%PDF-1.4\n")
	tests := []struct {
		name    string
		content []byte
		code    codes.Code
		reason  string
	}{
		{"oversize", big, codes.ResourceExhausted, "DOCUMENT_TOO_LARGE"},
		{"renamed executable", testdocs.Exe(), codes.InvalidArgument, "DOCUMENT_TYPE_NOT_ALLOWED"},
		{"empty", nil, codes.InvalidArgument, "DOCUMENT_EMPTY"},
		{"HTML", testdocs.HTML(), codes.InvalidArgument, "DOCUMENT_TYPE_NOT_ALLOWED"},
	}
	for _, tt := range tests {
		_, err := e.upload(t, alice, d.GetId(), "cv.pdf", tt.content, 64<<10)
		require.Equal(t, tt.code, status.Code(err), "%s: %v", tt.name, err)
		require.Equal(t, tt.reason, errorInfo(t, err).GetReason(), tt.name)
	}
	require.Empty(t, e.blobFiles(t), "nothing stored, not even a temporary file")
	got, err := e.client.GetDossier(context.Background(), &portfoliov1.GetDossierRequest{DossierId: d.GetId()}, e.as(t, alice))
	require.NoError(t, err)
	require.Empty(t, got.GetDossier().GetDocuments())
	require.Equal(t, "1", got.GetDossier().GetEtag())

	// Stream protocol errors.
	_, err = e.upload(t, alice, d.GetId(), "a.pdf", bytes.Repeat([]byte("%PDF-1.4"), 9000), 72000)
	require.Equal(t, codes.InvalidArgument, status.Code(err), "chunk over 64 KiB: %v", err)
	require.Equal(t, "UPLOAD_CHUNK_TOO_LARGE", errorInfo(t, err).GetReason())
	stream, err := e.client.UploadDocument(context.Background(), e.as(t, alice))
	require.NoError(t, err)
	require.NoError(t, stream.Send(&portfoliov1.UploadDocumentRequest{Payload: &portfoliov1.UploadDocumentRequest_Chunk{Chunk: []byte("x")}}))
	_, err = stream.CloseAndRecv()
	require.Equal(t, "UPLOAD_METADATA_REQUIRED", errorInfo(t, err).GetReason())
	require.Empty(t, e.blobFiles(t))
}

func TestService_AuthenticationAndHealth(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	_, err := e.client.ListDossiers(context.Background(), &portfoliov1.ListDossiersRequest{})
	require.Equal(t, codes.Unauthenticated, status.Code(err), "no token: %v", err)
	stream, err := e.client.UploadDocument(context.Background())
	require.NoError(t, err)
	_, err = stream.CloseAndRecv()
	require.Equal(t, codes.Unauthenticated, status.Code(err), "upload without token: %v", err)

	resp, err := healthgrpc.NewHealthClient(e.conn).Check(context.Background(), &healthgrpc.HealthCheckRequest{
		Service: portfoliov1.PortfolioService_ServiceDesc.ServiceName,
	})
	require.NoError(t, err)
	require.Equal(t, healthgrpc.HealthCheckResponse_SERVING, resp.GetStatus())
	require.True(t, strings.HasPrefix(e.conn.Target(), "127.0.0.1:"))
}
