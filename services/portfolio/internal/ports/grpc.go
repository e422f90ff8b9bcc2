// Package ports is the inbound edge of the portfolio service: the gRPC
// server of titrepro.portfolio.v1.PortfolioService and the consumers of
// other contexts' events. It converts requests to application calls and
// results back, and checks only the shape of requests; every rule lives in
// the app and domain layers.
package ports

import (
	"context"
	"unicode/utf8"

	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/portfolio/internal/app"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/command"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/query"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/protoconv"
)

// PublicMethods are the methods callable without a token (the public rows
// of the access table): none, a dossier
// is personal data.
var PublicMethods = authz.Table.PublicMethods()

// GRPCServer implements portfoliov1.PortfolioServiceServer.
type GRPCServer struct {
	portfoliov1.UnimplementedPortfolioServiceServer
	app app.Application
}

// NewGRPCServer returns the server of application a.
func NewGRPCServer(a app.Application) *GRPCServer { return &GRPCServer{app: a} }

// maxID bounds the ids accepted in requests.
const maxID = 128

// ids reports every missing or oversized id of a request at once; fields
// alternate field names and values.
func ids(fields ...string) error {
	return idViolations(fields...).Err()
}

func idViolations(fields ...string) apperr.Violations {
	var v apperr.Violations
	for i := 0; i+1 < len(fields); i += 2 {
		name, value := fields[i], fields[i+1]
		switch {
		case value == "":
			v.Add(name, "required")
		case len(value) > maxID || !utf8.ValidString(value):
			v.Add(name, "is not a valid id")
		}
	}
	return v
}

// dossierProto returns the API form of d with its current cover.
func (s *GRPCServer) dossierProto(ctx context.Context, d *dossier.Dossier) (*portfoliov1.Dossier, error) {
	cover, err := s.app.Queries.Cover.Handle(ctx, d)
	if err != nil {
		return nil, err
	}
	return protoconv.DossierToProto(d, cover), nil
}

// CreateDossier implements PortfolioServiceServer.
func (s *GRPCServer) CreateDossier(ctx context.Context, req *portfoliov1.CreateDossierRequest) (*portfoliov1.CreateDossierResponse, error) {
	pd := req.GetDossier()
	if pd == nil {
		return nil, apperr.Invalid(apperr.FieldViolation{Field: "dossier", Description: "required"})
	}
	d, err := s.app.Commands.CreateDossier.Handle(ctx, command.CreateDossier{
		CandidateID: pd.GetCandidateId(), TitleID: pd.GetTitleId(), TitleVersion: pd.GetTitleVersion(),
		Content: protoconv.ContentFromProto(pd), RequestID: req.GetRequestId(),
	})
	if err != nil {
		return nil, err
	}
	out, err := s.dossierProto(ctx, d)
	if err != nil {
		return nil, err
	}
	return &portfoliov1.CreateDossierResponse{Dossier: out}, nil
}

// GetDossier implements PortfolioServiceServer.
func (s *GRPCServer) GetDossier(ctx context.Context, req *portfoliov1.GetDossierRequest) (*portfoliov1.GetDossierResponse, error) {
	if err := ids("dossier_id", req.GetDossierId()); err != nil {
		return nil, err
	}
	d, err := s.app.Queries.DossierByID.Handle(ctx, req.GetDossierId())
	if err != nil {
		return nil, err
	}
	out, err := s.dossierProto(ctx, d)
	if err != nil {
		return nil, err
	}
	return &portfoliov1.GetDossierResponse{Dossier: out}, nil
}

// ListDossiers implements PortfolioServiceServer.
func (s *GRPCServer) ListDossiers(ctx context.Context, req *portfoliov1.ListDossiersRequest) (*portfoliov1.ListDossiersResponse, error) {
	page, err := s.app.Queries.ListDossiers.Handle(ctx, query.ListDossiers{
		CandidateID: req.GetCandidateId(), PageSize: req.GetPageSize(), PageToken: req.GetPageToken(),
	})
	if err != nil {
		return nil, err
	}
	resp := &portfoliov1.ListDossiersResponse{NextPageToken: page.NextPageToken}
	for _, d := range page.Dossiers {
		out, err := s.dossierProto(ctx, d)
		if err != nil {
			return nil, err
		}
		resp.Dossiers = append(resp.Dossiers, out)
	}
	return resp, nil
}

// UpdateDossier implements PortfolioServiceServer. The mask paths are
// passed as they are; the domain decides which are acceptable.
func (s *GRPCServer) UpdateDossier(ctx context.Context, req *portfoliov1.UpdateDossierRequest) (*portfoliov1.UpdateDossierResponse, error) {
	pd := req.GetDossier()
	if pd == nil {
		return nil, apperr.Invalid(apperr.FieldViolation{Field: "dossier", Description: "required"})
	}
	v := idViolations("dossier.id", pd.GetId())
	if pd.GetEtag() == "" {
		v.Add("dossier.etag", "required: send the etag of the dossier you read")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	d, err := s.app.Commands.UpdateDossier.Handle(ctx, command.UpdateDossier{
		ID: pd.GetId(), Etag: pd.GetEtag(), Patch: protoconv.ContentFromProto(pd), Paths: req.GetUpdateMask().GetPaths(),
	})
	if err != nil {
		return nil, err
	}
	out, err := s.dossierProto(ctx, d)
	if err != nil {
		return nil, err
	}
	return &portfoliov1.UpdateDossierResponse{Dossier: out}, nil
}

// DeleteDocument implements PortfolioServiceServer.
func (s *GRPCServer) DeleteDocument(ctx context.Context, req *portfoliov1.DeleteDocumentRequest) (*portfoliov1.DeleteDocumentResponse, error) {
	if err := ids("dossier_id", req.GetDossierId(), "document_id", req.GetDocumentId()); err != nil {
		return nil, err
	}
	d, err := s.app.Commands.DeleteDocument.Handle(ctx, command.DeleteDocument{
		DossierID: req.GetDossierId(), DocumentID: req.GetDocumentId(), Etag: req.GetEtag(),
	})
	if err != nil {
		return nil, err
	}
	out, err := s.dossierProto(ctx, d)
	if err != nil {
		return nil, err
	}
	return &portfoliov1.DeleteDocumentResponse{Dossier: out}, nil
}

// SubmitDossier implements PortfolioServiceServer.
func (s *GRPCServer) SubmitDossier(ctx context.Context, req *portfoliov1.SubmitDossierRequest) (*portfoliov1.SubmitDossierResponse, error) {
	if err := ids("dossier_id", req.GetDossierId(), "session_id", req.GetSessionId()); err != nil {
		return nil, err
	}
	var v apperr.Violations
	for _, f := range []struct{ name, value string }{{"candidacy_id", req.GetCandidacyId()}, {"request_id", req.GetRequestId()}} {
		if len(f.value) > maxID || !utf8.ValidString(f.value) {
			v.Add(f.name, "is not a valid id")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	snap, err := s.app.Commands.SubmitDossier.Handle(ctx, command.SubmitDossier{
		DossierID: req.GetDossierId(), SessionID: req.GetSessionId(), CandidacyID: req.GetCandidacyId(), RequestID: req.GetRequestId(),
		ValidateOnly: req.GetValidateOnly(),
	})
	if err != nil {
		return nil, err
	}
	if req.GetValidateOnly() {
		return &portfoliov1.SubmitDossierResponse{}, nil
	}
	return &portfoliov1.SubmitDossierResponse{Snapshot: protoconv.SnapshotToProto(snap)}, nil
}

// GetSnapshot implements PortfolioServiceServer.
func (s *GRPCServer) GetSnapshot(ctx context.Context, req *portfoliov1.GetSnapshotRequest) (*portfoliov1.GetSnapshotResponse, error) {
	if err := ids("dossier_id", req.GetDossierId(), "snapshot_id", req.GetSnapshotId()); err != nil {
		return nil, err
	}
	snap, err := s.app.Queries.SnapshotByID.Handle(ctx, req.GetDossierId(), req.GetSnapshotId())
	if err != nil {
		return nil, err
	}
	return &portfoliov1.GetSnapshotResponse{Snapshot: protoconv.SnapshotToProto(snap)}, nil
}

// ListSnapshots implements PortfolioServiceServer.
func (s *GRPCServer) ListSnapshots(ctx context.Context, req *portfoliov1.ListSnapshotsRequest) (*portfoliov1.ListSnapshotsResponse, error) {
	if err := ids("dossier_id", req.GetDossierId()); err != nil {
		return nil, err
	}
	page, err := s.app.Queries.ListSnapshots.Handle(ctx, query.ListSnapshots{
		DossierID: req.GetDossierId(), SessionID: req.GetSessionId(), PageSize: req.GetPageSize(), PageToken: req.GetPageToken(),
	})
	if err != nil {
		return nil, err
	}
	resp := &portfoliov1.ListSnapshotsResponse{NextPageToken: page.NextPageToken}
	for _, snap := range page.Snapshots {
		resp.Snapshots = append(resp.Snapshots, protoconv.SnapshotToProto(snap))
	}
	return resp, nil
}
