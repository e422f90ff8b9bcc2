package ports

import (
	"context"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/candidate/internal/app/command"
	"github.com/titrepro/titrepro/services/candidate/internal/protoconv"
)

// CreateSanction implements CandidateServiceServer (R58).
func (s *GRPCServer) CreateSanction(ctx context.Context, req *candidatev1.CreateSanctionRequest) (*candidatev1.CreateSanctionResponse, error) {
	if err := checkID("candidate_id", req.GetCandidateId()); err != nil {
		return nil, err
	}
	if req.GetSanction() == nil {
		return nil, apperr.Invalid(apperr.FieldViolation{Field: "sanction", Description: "required"})
	}
	sa, err := s.app.Commands.PronounceSanction.Handle(ctx, command.PronounceSanction{
		CandidateID: req.GetCandidateId(), Input: protoconv.SanctionInputFromProto(req.GetSanction()),
	})
	if err != nil {
		return nil, err
	}
	return &candidatev1.CreateSanctionResponse{Sanction: protoconv.SanctionToProto(sa)}, nil
}

// ListSanctions implements CandidateServiceServer (R58).
func (s *GRPCServer) ListSanctions(ctx context.Context, req *candidatev1.ListSanctionsRequest) (*candidatev1.ListSanctionsResponse, error) {
	if err := checkID("candidate_id", req.GetCandidateId()); err != nil {
		return nil, err
	}
	ss, err := s.app.Queries.Sanctions.Handle(ctx, req.GetCandidateId())
	if err != nil {
		return nil, err
	}
	out := &candidatev1.ListSanctionsResponse{}
	for _, sa := range ss {
		out.Sanctions = append(out.Sanctions, protoconv.SanctionToProto(sa))
	}
	return out, nil
}
