package ports

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification/internal/app"
	"github.com/titrepro/titrepro/services/certification/internal/app/authz"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/protoconv"
)

// PublicMethods are the methods callable without a token: the public rows
// of the access table (the catalogue, and certificate verification).
var PublicMethods = authz.Table.PublicMethods()

// GRPCServer implements certificationv1.CertificationServiceServer. Errors
// are returned as they come from the app layer: the grpcx interceptor maps
// them to statuses.
type GRPCServer struct {
	certificationv1.UnimplementedCertificationServiceServer
	app app.Application
}

// NewGRPCServer returns the server of a.
func NewGRPCServer(a app.Application) *GRPCServer {
	return &GRPCServer{app: a}
}

// ListTitles implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) ListTitles(ctx context.Context, req *certificationv1.ListTitlesRequest) (*certificationv1.ListTitlesResponse, error) {
	page, err := s.app.Queries.ListTitles.Handle(ctx, query.ListTitles{PageSize: req.GetPageSize(), PageToken: req.GetPageToken()})
	if err != nil {
		return nil, err
	}
	resp := &certificationv1.ListTitlesResponse{NextPageToken: page.NextPageToken}
	for _, p := range page.Titles {
		resp.Titles = append(resp.Titles, protoconv.Title(p))
	}
	return resp, nil
}

// GetTitle implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GetTitle(ctx context.Context, req *certificationv1.GetTitleRequest) (*certificationv1.GetTitleResponse, error) {
	p, err := s.app.Queries.GetTitle.Handle(ctx, query.GetTitle{Code: req.GetTitleId(), Version: req.GetVersion()})
	if err != nil {
		return nil, err
	}
	return &certificationv1.GetTitleResponse{Title: protoconv.Title(p)}, nil
}

// ImportTitle implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) ImportTitle(ctx context.Context, req *certificationv1.ImportTitleRequest) (*certificationv1.ImportTitleResponse, error) {
	res, err := s.app.Commands.ImportTitle.Handle(ctx, command.ImportTitle{
		YAML:       []byte(req.GetReferentielYaml()),
		SourceName: req.GetSourceName(),
	})
	if err != nil {
		return nil, err
	}
	return &certificationv1.ImportTitleResponse{Title: protoconv.Title(res.Title), Created: res.Created}, nil
}

// GetRecord implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GetRecord(ctx context.Context, req *certificationv1.GetRecordRequest) (*certificationv1.GetRecordResponse, error) {
	rec, err := s.app.Queries.GetRecord.Handle(ctx, query.GetRecord{CandidateID: req.GetCandidateId()})
	if err != nil {
		return nil, err
	}
	out := &certificationv1.CertificationRecord{
		CandidateId: rec.CandidateID,
		Holder:      protoconv.Holder(rec.Holder),
		UpdateTime:  timestamppb.New(rec.Holder.UpdatedAt),
	}
	for _, h := range rec.Held {
		out.HeldCcps = append(out.HeldCcps, protoconv.HeldCcp(h))
	}
	for _, n := range rec.Certificates {
		out.CertificateNumbers = append(out.CertificateNumbers, string(n))
	}
	out.Results = protoconv.RecordResults(rec.Results)
	for _, p := range rec.Progress {
		out.TitleProgress = append(out.TitleProgress, protoconv.TitleProgress(p))
	}
	return &certificationv1.GetRecordResponse{Record: out}, nil
}
